import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { DemoManifest } from './manifest.ts'
import { trackedTextFiles } from './remove-demo.ts'

export interface Trace {
  file: string
  line: number
  pattern: string
  text: string
}

/**
 * Every place in the checkout that still names one of the demo's routes, events, settings or
 * folders. Empty after a clean removal.
 */
export function findTraces(root: string, demo: DemoManifest): Trace[] {
  const patterns = demo.traces.map((source) => ({ source, regex: new RegExp(source) }))
  const found: Trace[] = []
  for (const file of trackedTextFiles(root)) {
    const lines = readFileSync(path.join(root, file), 'utf8').split('\n')
    lines.forEach((text, index) => {
      for (const { source, regex } of patterns) {
        if (regex.test(text))
          found.push({ file, line: index + 1, pattern: source, text: text.trim() })
      }
    })
  }
  return found
}
