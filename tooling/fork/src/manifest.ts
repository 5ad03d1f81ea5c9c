import { readdirSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

/**
 * What one demo owns, for `pnpm remove-demo`. Each demo's manifest lives in `demos/<name>.ts` and
 * lists itself among its paths, so removing a demo also removes everything that names it here.
 */
export interface DemoManifest {
  /** The name `pnpm remove-demo` takes. */
  name: string
  /** For people: "Stock ticker". */
  title: string
  /**
   * Files and folders (relative to the repository root) that belong to this demo alone. Shared
   * files name a demo only on lines marked `demo:<name>` (or between `demo:<name>:start` and
   * `demo:<name>:end`), which are removed line by line.
   */
  paths: readonly string[]
  /** Subpath exports to drop, per package.json: `{ 'packages/protocol/package.json': ['./weather'] }`. */
  exports?: Readonly<Record<string, readonly string[]>>
  /** Dependencies only this demo uses, per package.json. */
  dependencies?: Readonly<Record<string, readonly string[]>>
  /**
   * Realtime feature folders with database tables: their migrations are retired (kept as no-ops
   * under their names, plus one that drops the tables) so databases that ran them migrate on.
   */
  realtimeFeatures?: readonly string[]
  /**
   * Web feature folders with tables in the web app's database (cluster mode): retired the same
   * way, in the web app's own list, since it keeps its own migration table.
   */
  webFeatures?: readonly string[]
  /**
   * Patterns (regular expression sources) that must match nowhere once the demo is gone: its
   * routes, events, settings and folders. The removal's own test checks them in a copy of the tree.
   */
  traces: readonly string[]
  /** Files generated from runs that included this demo (benchmark results); removed with it. */
  generated?: readonly string[]
}

export const DEMOS_DIR = path.join(import.meta.dirname, 'demos')

/** Every demo still in this checkout, by name. */
export async function loadDemos(): Promise<Map<string, DemoManifest>> {
  const demos = new Map<string, DemoManifest>()
  const files = readdirSync(DEMOS_DIR)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .sort()
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(DEMOS_DIR, file)).href)) as {
      default: DemoManifest
    }
    demos.set(module.default.name, module.default)
  }
  return demos
}

/** A route or folder name, matched as a whole path segment: `/weather` but not `/weathers`. */
export function segment(route: string): string {
  const escaped = route.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return `(?<![\\w-])${escaped}(?![\\w-])`
}

/** An event name as a string literal: `'post-note'` or `"post-note"`. */
export function literal(name: string): string {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return `['"\`]${escaped}['"\`]`
}
