import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as prettier from 'prettier'
import { loadDemos, type DemoManifest } from './manifest.ts'

/** Where removed realtime features leave their migrations (see that file). */
export const RETIRED_FEATURES_FILE = 'apps/realtime/src/shared/storage/retired-features.ts'
/** Where removed web features leave theirs: the web app has its own migration table. */
export const RETIRED_WEB_FEATURES_FILE = 'apps/web/src/shared/server/cluster/retired-features.ts'
/** The line in those files above which new entries go. */
export const RETIRED_ANCHOR = 'remove-demo: new entries go above this line'

export class RemoveDemoError extends Error {
  constructor(
    message: string,
    /** 2: the call was wrong (unknown name); 1: the tree is not in a state to change. */
    readonly exitCode: 1 | 2,
  ) {
    super(message)
    this.name = 'RemoveDemoError'
  }
}

export interface RemoveDemoOptions {
  /** Repository root. */
  root: string
  name: string
  /** Run even when the tree has uncommitted changes. */
  force?: boolean
  log?: (line: string) => void
}

export interface RemoveDemoReport {
  demo: DemoManifest
  deleted: string[]
  /** Files edited, with how many lines each lost. */
  edited: { file: string; lines: number }[]
  exports: string[]
  dependencies: string[]
  retired: (RetiredEntry & { file: string })[]
}

/**
 * Removes one demo from a checkout: its folders and files, every line marked `demo:<name>` in
 * shared files, its protocol exports, the dependencies only it used, and, for realtime or web
 * features with tables, a retirement entry so existing databases drop those tables on their next
 * migration. Formats what it edited with the repository's prettier config.
 */
export async function removeDemo(options: RemoveDemoOptions): Promise<RemoveDemoReport> {
  const { root, name } = options
  const log = options.log ?? (() => {})
  const demos = await loadDemos()
  const demo = demos.get(name)
  if (!demo) {
    const known = [...demos.keys()].join(', ') || 'none left'
    throw new RemoveDemoError(`unknown demo "${name}"; the demos in this checkout: ${known}`, 2)
  }
  if (!options.force) {
    const dirty = git(root, ['status', '--porcelain'])
    if (dirty.trim() !== '') {
      throw new RemoveDemoError(
        'the working tree has uncommitted changes; commit or stash them first (so the removal ' +
          'can be reviewed and undone as one diff), or pass --force',
        1,
      )
    }
  }

  const report: RemoveDemoReport = {
    demo,
    deleted: [],
    edited: [],
    exports: [],
    dependencies: [],
    retired: [],
  }

  // Read the migrations before their folder goes.
  for (const folder of demo.realtimeFeatures ?? []) {
    report.retired.push({ ...readFeatureMigrations(root, folder), file: RETIRED_FEATURES_FILE })
  }
  for (const folder of demo.webFeatures ?? []) {
    report.retired.push({ ...readFeatureMigrations(root, folder), file: RETIRED_WEB_FEATURES_FILE })
  }

  for (const relative of [...demo.paths, ...(demo.generated ?? [])]) {
    const absolute = path.join(root, relative)
    if (!existsSync(absolute)) continue
    rmSync(absolute, { recursive: true, force: true })
    report.deleted.push(relative)
  }

  const changed = new Set<string>()
  for (const file of trackedTextFiles(root)) {
    const absolute = path.join(root, file)
    const before = readFileSync(absolute, 'utf8')
    const after = removeMarkedLines(before, name)
    if (after === before) continue
    writeFileSync(absolute, after)
    changed.add(file)
    report.edited.push({ file, lines: lineCount(before) - lineCount(after) })
  }

  for (const [file, keys] of Object.entries(demo.exports ?? {})) {
    editJson(root, file, (json) => {
      const exports = json.exports as Record<string, unknown> | undefined
      for (const key of keys) {
        if (exports && key in exports) {
          delete exports[key]
          report.exports.push(`${file}: ${key}`)
        }
      }
    })
    changed.add(file)
  }

  for (const [file, names] of Object.entries(demo.dependencies ?? {})) {
    editJson(root, file, (json) => {
      for (const field of ['dependencies', 'devDependencies'] as const) {
        const deps = json[field] as Record<string, string> | undefined
        for (const dep of names) {
          if (deps && dep in deps) {
            delete deps[dep]
            report.dependencies.push(`${file}: ${dep}`)
          }
        }
      }
    })
    changed.add(file)
  }

  for (const file of new Set(report.retired.map((entry) => entry.file))) {
    const absolute = path.join(root, file)
    const lines = readFileSync(absolute, 'utf8').split('\n')
    const anchor = lines.findIndex((line) => line.includes(RETIRED_ANCHOR))
    if (anchor === -1) throw new Error(`${file}: cannot find "${RETIRED_ANCHOR}"`)
    const entries = report.retired
      .filter((entry) => entry.file === file)
      .map(
        (entry) =>
          `  { feature: ${JSON.stringify(entry.feature)}, migrations: ${JSON.stringify(entry.migrations)}, dropTables: ${JSON.stringify(entry.dropTables)} },`,
      )
    lines.splice(anchor, 0, ...entries)
    writeFileSync(absolute, lines.join('\n'))
    changed.add(file)
  }

  await format(root, [...changed])

  log(`Removed the ${demo.title} demo (${demo.name}).`)
  if (report.deleted.length > 0) {
    log(`Deleted:`)
    for (const item of report.deleted) log(`  ${item}`)
  }
  if (report.edited.length > 0) {
    log(`Removed marked lines from:`)
    for (const { file, lines } of report.edited)
      log(`  ${file} (${lines} line${lines === 1 ? '' : 's'})`)
  }
  for (const item of report.exports) log(`Dropped the export ${item}`)
  for (const item of report.dependencies) log(`Dropped the dependency ${item}`)
  for (const { feature, dropTables } of report.retired) {
    log(
      `Retired the ${feature} migrations: databases that have its tables (${dropTables.join(', ')}) drop them on their next migration`,
    )
  }
  if ((demo.generated ?? []).length > 0) {
    log('The committed benchmark results included this demo: run `pnpm bench` to measure afresh.')
  }
  log('Next: pnpm install && pnpm lint && pnpm typecheck && pnpm test')
  return report
}

/**
 * Drops every line that carries the marker `demo:<name>` and every block from a line with
 * `demo:<name>:start` through the next line with `demo:<name>:end`. The marker must stand alone
 * as a word, so the marker of one demo never removes a line marked for a longer name.
 */
export function removeMarkedLines(source: string, name: string): string {
  const marker = new RegExp(`(?<![\\w-])demo:${escapeRegExp(name)}(?::(start|end))?(?![\\w-])`)
  const lines = source.split('\n')
  const kept: string[] = []
  let inBlock = false
  for (const line of lines) {
    const match = marker.exec(line)
    if (inBlock) {
      if (match?.[1] === 'end') inBlock = false
      continue
    }
    if (!match) {
      kept.push(line)
      continue
    }
    if (match[1] === 'start') inBlock = true
    // A lone `end`, or a marked line: dropped either way.
  }
  if (inBlock) throw new Error(`demo:${name}:start without a matching demo:${name}:end`)
  return kept.join('\n')
}

interface RetiredEntry {
  feature: string
  migrations: string[]
  dropTables: string[]
}

/** The migration names a feature registered and the tables they created, read from its source. */
export function readFeatureMigrations(root: string, folder: string): RetiredEntry {
  const feature = path.basename(folder)
  const migrations = new Set<string>()
  const tables: string[] = []
  for (const file of walk(path.join(root, folder))) {
    if (!/\.ts$/.test(file) || /\.test\.ts$/.test(file)) continue
    const source = readFileSync(file, 'utf8')
    for (const match of source.matchAll(
      new RegExp(`['"]?(${feature}_\\d{4}_[a-z0-9_]+)['"]?\\s*:`, 'g'),
    )) {
      migrations.add(match[1] as string)
    }
    for (const match of source.matchAll(/createTable\(\s*['"]([a-z_][a-z0-9_]*)['"]/g)) {
      const table = match[1] as string
      if (!tables.includes(table)) tables.push(table)
    }
  }
  if (migrations.size === 0)
    throw new Error(`${folder}: no migrations named ${feature}_NNNN_… found`)
  // Children were created after their parents; drop them first.
  return { feature, migrations: [...migrations].sort(), dropTables: tables.reverse() }
}

function* walk(dir: string): Generator<string> {
  if (!existsSync(dir)) return
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry)
    if (statSync(full).isDirectory()) yield* walk(full)
    else yield full
  }
}

const BINARY = /\.(png|jpe?g|gif|ico|webp|svg|woff2?|gz|zip|sqlite|db)$/i

/** Tracked and untracked-but-not-ignored text files, relative to `root`. */
export function trackedTextFiles(root: string): string[] {
  return git(root, ['ls-files', '--cached', '--others', '--exclude-standard', '-z'])
    .split('\0')
    .filter((file) => file !== '' && !BINARY.test(file) && existsSync(path.join(root, file)))
}

function git(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
}

function editJson(root: string, file: string, edit: (json: Record<string, unknown>) => void) {
  const absolute = path.join(root, file)
  const json = JSON.parse(readFileSync(absolute, 'utf8')) as Record<string, unknown>
  edit(json)
  writeFileSync(absolute, `${JSON.stringify(json, null, 2)}\n`)
}

async function format(root: string, files: string[]): Promise<void> {
  for (const file of files) {
    const absolute = path.join(root, file)
    if (!existsSync(absolute)) continue
    const info = await prettier.getFileInfo(absolute, {
      ignorePath: path.join(root, '.prettierignore'),
    })
    if (info.ignored || info.inferredParser === null) continue
    const config = (await prettier.resolveConfig(absolute)) ?? {}
    const source = readFileSync(absolute, 'utf8')
    const formatted = await prettier.format(source, { ...config, filepath: absolute })
    if (formatted !== source) writeFileSync(absolute, formatted)
  }
}

function lineCount(text: string): number {
  return text.split('\n').length
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
