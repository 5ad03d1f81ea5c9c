import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findWorkspaceRoot, resolveDataDir } from './data-dir.ts'

let root: string
let app: string

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'duplex-root-'))
  await writeFile(path.join(root, 'pnpm-workspace.yaml'), 'packages: []\n')
  app = path.join(root, 'apps', 'realtime')
  await mkdir(app, { recursive: true })
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('resolveDataDir', () => {
  it('defaults to data/ at the workspace root, from any package', () => {
    expect(findWorkspaceRoot(app)).toBe(root)
    expect(resolveDataDir({ dataDir: undefined, cwd: app })).toBe(path.join(root, 'data'))
  })

  it('resolves a relative DUPLEX_DATA_DIR against the root, so every app agrees', () => {
    expect(resolveDataDir({ dataDir: 'var/duplex', cwd: app })).toBe(path.join(root, 'var/duplex'))
  })

  it('keeps an absolute DUPLEX_DATA_DIR as is', () => {
    expect(resolveDataDir({ dataDir: '/srv/duplex', cwd: app })).toBe('/srv/duplex')
  })

  it('treats a blank DUPLEX_DATA_DIR as unset', () => {
    expect(resolveDataDir({ dataDir: ' ', cwd: app })).toBe(path.join(root, 'data'))
  })
})
