import { existsSync } from 'node:fs'
import path from 'node:path'

/** The file that marks the repository root. */
const WORKSPACE_MARKER = 'pnpm-workspace.yaml'

/**
 * Walks up from `from` to the directory holding `pnpm-workspace.yaml`, or returns undefined when
 * there is none (a deployed build outside the repository).
 */
export function findWorkspaceRoot(from: string = process.cwd()): string | undefined {
  // The turbopackIgnore comments tell Next's bundler these are run-time paths; otherwise it
  // traces the whole repository into the server build.
  let dir = path.resolve(/* turbopackIgnore: true */ from)
  for (;;) {
    if (existsSync(path.join(dir, WORKSPACE_MARKER))) return dir
    const parent = path.dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

export interface ResolveDataDirOptions {
  /** Defaults to `process.env.DUPLEX_DATA_DIR`. */
  dataDir?: string | undefined
  /** Where to start looking for the repository root. Defaults to `process.cwd()`. */
  cwd?: string
}

/**
 * The folder Duplex keeps its data in (SQLite file, session secret): `DUPLEX_DATA_DIR`, or `data/`
 * at the repository root.
 *
 * A relative `DUPLEX_DATA_DIR` is resolved against the repository root too, not the current
 * directory: `pnpm --filter` runs the web app in `apps/web` and the realtime server in
 * `apps/realtime`, and both must land on the same folder to share the session secret. Outside a
 * repository (a deployed build) the current directory stands in for the root.
 *
 * @example
 * resolveDataDir() // '/home/me/duplex/data'
 * resolveDataDir({ dataDir: '/var/lib/duplex' }) // '/var/lib/duplex'
 */
export function resolveDataDir(options: ResolveDataDirOptions = {}): string {
  const cwd = options.cwd ?? process.cwd()
  const configured = 'dataDir' in options ? options.dataDir : process.env.DUPLEX_DATA_DIR
  const root = findWorkspaceRoot(cwd) ?? path.resolve(/* turbopackIgnore: true */ cwd)
  if (configured !== undefined && configured.trim() !== '') {
    return path.resolve(/* turbopackIgnore: true */ root, configured)
  }
  return path.join(/* turbopackIgnore: true */ root, 'data')
}
