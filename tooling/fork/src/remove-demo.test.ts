import { execFileSync, spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadDemos } from './manifest.ts'
import {
  RETIRED_FEATURES_FILE,
  RETIRED_WEB_FEATURES_FILE,
  RemoveDemoError,
  removeDemo,
  removeMarkedLines,
  trackedTextFiles,
} from './remove-demo.ts'
import { renameScope } from './rename-scope.ts'
import { findTraces } from './traces.ts'

const ROOT = path.resolve(import.meta.dirname, '../../..')
const scratch: string[] = []

/** A committed copy of this checkout (tracked and untracked files, nothing ignored). */
function copyOfTree(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'duplex-fork-'))
  scratch.push(dir)
  for (const file of trackedTextFilesAndBinaries(ROOT)) {
    const target = path.join(dir, file)
    mkdirSync(path.dirname(target), { recursive: true })
    cpSync(path.join(ROOT, file), target)
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' })
  git('init', '-q')
  git('add', '-A')
  git('-c', 'user.name=test', '-c', 'user.email=test@localhost', 'commit', '-qm', 'copy')
  return dir
}

function trackedTextFilesAndBinaries(root: string): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\0')
    .filter((file) => file !== '' && existsSync(path.join(root, file)))
}

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true })
})

// Markers are spelled out through `mark()` so that removing a real demo never edits these examples.
const mark = (name: string) => ['demo', name].join(':')

describe('removeMarkedLines', () => {
  it('drops lines marked for the demo and keeps everything else', () => {
    const source = [
      "import { a } from './a'",
      `import { alpha } from './alpha' // ${mark('alpha')}`,
      `import { beta } from './beta' // ${mark('beta')}`,
      'export const features = [',
      `  alpha, // ${mark('alpha')}`,
      `  beta, // ${mark('beta')}`,
      ']',
    ].join('\n')
    expect(removeMarkedLines(source, 'alpha')).toBe(
      [
        "import { a } from './a'",
        `import { beta } from './beta' // ${mark('beta')}`,
        'export const features = [',
        `  beta, // ${mark('beta')}`,
        ']',
      ].join('\n'),
    )
  })

  it('drops a block from its start marker through its end marker', () => {
    const source = [
      'keep 1',
      `<!-- ${mark('gamma:start')} -->`,
      'gone',
      `<!-- ${mark('gamma:end')} -->`,
      'keep 2',
    ]
    expect(removeMarkedLines(source.join('\n'), 'gamma')).toBe('keep 1\nkeep 2')
  })

  it('matches the marker as a whole word, never a longer demo name', () => {
    expect(removeMarkedLines(`x // ${mark('betabot')}\ny // ${mark('beta')}`, 'beta')).toBe(
      `x // ${mark('betabot')}`,
    )
  })

  it('refuses a start marker that never ends, instead of deleting the rest of the file', () => {
    expect(() => removeMarkedLines(`a\n# ${mark('beta:start')}\nb\nc`, 'beta')).toThrow(
      /without a matching/,
    )
  })
})

describe('pnpm remove-demo', async () => {
  const demos = await loadDemos()

  it('knows every demo of this checkout', () => {
    expect([...demos.keys()].sort()).toEqual([
      'chat', // demo:chat
      'compare', // demo:compare
      'editor', // demo:editor
      'progress', // demo:progress
      'ticker', // demo:ticker
    ])
  })

  for (const demo of demos.values()) {
    it(`removes ${demo.name} and leaves nothing that names its routes, events, settings or folders`, async () => {
      // Every path the manifest lists exists, and every trace pattern matches today: a manifest
      // that drifted from the code would otherwise pass by removing nothing.
      for (const item of demo.paths)
        expect({ item, exists: existsSync(path.join(ROOT, item)) }).toEqual({ item, exists: true })
      const before = findTraces(ROOT, demo)
      for (const pattern of demo.traces) {
        expect({ pattern, found: before.some((t) => t.pattern === pattern) }).toEqual({
          pattern,
          found: true,
        })
      }

      const dir = copyOfTree()
      const lines: string[] = []
      const report = await removeDemo({
        root: dir,
        name: demo.name,
        log: (line) => lines.push(line),
      })

      for (const item of demo.paths) expect(existsSync(path.join(dir, item))).toBe(false)
      expect(findTraces(dir, demo)).toEqual([])
      for (const other of demos.values()) {
        if (other.name === demo.name) continue
        for (const item of other.paths) {
          // Shared by both, or inside this demo's folders: gone with it.
          if (demo.paths.some((own) => item === own || item.startsWith(`${own}/`))) continue
          expect({ item, exists: existsSync(path.join(dir, item)) }).toEqual({ item, exists: true })
        }
      }
      // It says what it did.
      expect(lines[0]).toContain(demo.name)
      for (const item of report.deleted) expect(lines).toContain(`  ${item}`)
      for (const [file, keys] of Object.entries(demo.exports ?? {})) {
        const exports = JSON.parse(readFileSync(path.join(dir, file), 'utf8')).exports as object
        for (const key of keys) expect(Object.keys(exports)).not.toContain(key)
      }
      for (const [file, names] of Object.entries(demo.dependencies ?? {})) {
        const json = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
          dependencies?: object
          devDependencies?: object
        }
        for (const dep of names) {
          expect(Object.keys({ ...json.dependencies, ...json.devDependencies })).not.toContain(dep)
        }
      }
      // Features with tables are retired in their app's list, so databases that ran their
      // migrations still migrate (and drop the tables); one entry per feature folder.
      expect(report.retired.map((entry) => entry.file).sort()).toEqual(
        [
          ...(demo.realtimeFeatures ?? []).map(() => RETIRED_FEATURES_FILE),
          ...(demo.webFeatures ?? []).map(() => RETIRED_WEB_FEATURES_FILE),
        ].sort(),
      )
      for (const entry of report.retired) {
        expect(entry.migrations.length).toBeGreaterThan(0)
        expect(entry.dropTables.length).toBeGreaterThan(0)
        expect(readFileSync(path.join(dir, entry.file), 'utf8')).toContain(
          `feature: "${entry.feature}"`,
        )
      }
    })
  }

  it('refuses an unknown demo with exit code 2 and names the ones there are', async () => {
    const dir = copyOfTree()
    const error = await removeDemo({ root: dir, name: 'weather' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RemoveDemoError)
    expect((error as RemoveDemoError).exitCode).toBe(2)
    const [first] = demos.keys()
    expect((error as Error).message).toMatch(new RegExp(`unknown demo "weather".*${first}`))

    const cli = spawnSync(
      path.join(ROOT, 'tooling/fork/node_modules/.bin/tsx'),
      [path.join(ROOT, 'tooling/fork/src/cli.ts'), 'remove-demo', 'weather'],
      { encoding: 'utf8' },
    )
    expect(cli.status).toBe(2)
    expect(cli.stderr).toContain('unknown demo "weather"')
  })

  it('refuses a tree with uncommitted changes unless forced', async () => {
    const dir = copyOfTree()
    writeFileSync(path.join(dir, 'README.md'), 'changed\n', { flag: 'a' })
    const [demo] = demos.values()
    if (!demo) return
    const error = await removeDemo({ root: dir, name: demo.name }).catch((e: unknown) => e)
    expect((error as RemoveDemoError).exitCode).toBe(1)
    expect((error as Error).message).toMatch(/uncommitted changes/)
    const first = demo.paths[0] ?? ''
    expect(existsSync(path.join(dir, first))).toBe(true)

    await removeDemo({ root: dir, name: demo.name, force: true })
    expect(existsSync(path.join(dir, first))).toBe(false)
  })
})

describe('pnpm rename-scope', () => {
  it('renames every @duplex/ package, import and reference to the new scope', () => {
    const dir = copyOfTree()
    const changed = renameScope(dir, '@acme')
    expect(changed).toContain('package.json')
    for (const file of trackedTextFiles(dir)) {
      if (file.startsWith('tooling/fork/src/')) continue // these name the old scope on purpose
      expect({
        file,
        named: readFileSync(path.join(dir, file), 'utf8').includes('@duplex/'),
      }).toEqual({
        file,
        named: false,
      })
    }
    const web = JSON.parse(readFileSync(path.join(dir, 'apps/web/package.json'), 'utf8')) as {
      name: string
    }
    expect(web.name).toBe('@acme/web')
  })

  it('refuses something that is not an npm scope', () => {
    expect(() => renameScope(copyOfTree(), 'Acme Corp')).toThrow(/not an npm scope/)
  })
})
