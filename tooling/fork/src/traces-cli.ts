import { readFileSync } from 'node:fs'
import path from 'node:path'
import { loadDemos } from './manifest.ts'
import { removeMarkedLines } from './remove-demo.ts'
import { findTraces } from './traces.ts'

// `pnpm --filter @duplex/fork exec tsx src/traces-cli.ts [demo]`: for each demo, the places outside
// its own paths that still name it and carry no marker, i.e. what would survive `pnpm remove-demo`.
// Empty output is what the removal test expects.

const ROOT = path.resolve(import.meta.dirname, '../../..')
const only = process.argv[2]
for (const demo of (await loadDemos()).values()) {
  if (only && demo.name !== only) continue
  const own = [...demo.paths, ...(demo.generated ?? [])]
  const left = findTraces(ROOT, demo).filter((trace) => {
    if (own.some((p) => trace.file === p || trace.file.startsWith(`${p}/`))) return false
    if (Object.keys(demo.exports ?? {}).includes(trace.file)) return false
    const after = removeMarkedLines(readFileSync(path.join(ROOT, trace.file), 'utf8'), demo.name)
    return after.split('\n').some((line) => line.trim() === trace.text)
  })
  console.info(`${demo.name}: ${left.length} unmarked`)
  for (const trace of left) console.info(`  ${trace.file}:${trace.line}  ${trace.text}`)
}
