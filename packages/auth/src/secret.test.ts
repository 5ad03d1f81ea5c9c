import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SESSION_SECRET_FILE, loadSessionSecret } from './secret.ts'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'duplex-auth-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('loadSessionSecret', () => {
  it('generates a secret once, keeps it in a 0600 file, and returns it again', async () => {
    const dataDir = path.join(dir, 'data')
    const first = await loadSessionSecret({ dataDir })
    expect(first.length).toBeGreaterThanOrEqual(32)
    const file = path.join(dataDir, SESSION_SECRET_FILE)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await readFile(file, 'utf8')).trim()).toBe(first)
    expect(await loadSessionSecret({ dataDir })).toBe(first)
  })

  it('gives every caller the same secret when many start at once', async () => {
    const secrets = await Promise.all(
      Array.from({ length: 20 }, () => loadSessionSecret({ dataDir: dir })),
    )
    expect(new Set(secrets).size).toBe(1)
    // The losers' temp files are gone too.
    expect(await readdir(dir)).toEqual([SESSION_SECRET_FILE])
  })

  it('prefers SESSION_SECRET and writes no file then', async () => {
    const secret = 'x'.repeat(40)
    expect(await loadSessionSecret({ dataDir: dir, secret })).toBe(secret)
    await expect(stat(path.join(dir, SESSION_SECRET_FILE))).rejects.toThrow()
  })

  it('refuses a SESSION_SECRET that is too short, saying why', async () => {
    await expect(loadSessionSecret({ dataDir: dir, secret: 'short' })).rejects.toThrow(
      /at least 32/,
    )
  })

  it('refuses a secret file that was truncated instead of silently using it', async () => {
    await writeFile(path.join(dir, SESSION_SECRET_FILE), 'abc\n')
    await expect(loadSessionSecret({ dataDir: dir })).rejects.toThrow(/at least 32/)
  })
})
