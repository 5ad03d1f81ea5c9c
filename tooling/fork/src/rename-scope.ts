import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { trackedTextFiles } from './remove-demo.ts'

export const CURRENT_SCOPE = '@duplex'

/** npm's rule for a scope: `@` and a lower-case URL-safe name. */
const SCOPE = /^@[a-z0-9][a-z0-9._~-]*$/

/**
 * Renames every workspace package from `@duplex/…` to `<scope>/…`: package names, dependencies,
 * imports, configs, docs and the lockfile. `pnpm install` afterwards relinks the workspace.
 * Returns the files it changed.
 */
export function renameScope(root: string, scope: string, from = CURRENT_SCOPE): string[] {
  if (!SCOPE.test(scope)) {
    throw new Error(`"${scope}" is not an npm scope; use @ and lower-case letters, e.g. @acme`)
  }
  const needle = `${from}/`
  const changed: string[] = []
  for (const file of trackedTextFiles(root)) {
    const absolute = path.join(root, file)
    const source = readFileSync(absolute, 'utf8')
    if (!source.includes(needle)) continue
    writeFileSync(absolute, source.split(needle).join(`${scope}/`))
    changed.push(file)
  }
  return changed
}
