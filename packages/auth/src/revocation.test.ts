import { appendFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  REVOCATION_FILE,
  RevocationsUnavailableError,
  createFileRevocationStore,
  type RevocationStore,
} from './revocation.ts'
import { createSessionToken, verifySessionToken } from './token.ts'

const secret = 'a-test-secret-that-is-long-enough-for-hs256'
const ada = { id: 'u_ada', name: 'Ada' }
let dataDir: string
const stores: RevocationStore[] = []
const open = (options: { now?: () => number; pollMs?: number } = {}) => {
  const store = createFileRevocationStore({ dataDir, ...options })
  stores.push(store)
  return store
}

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'duplex-revocation-'))
})
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()))
  await rm(dataDir, { recursive: true, force: true })
})

describe('signing out revokes the token wherever it is checked', () => {
  it('refuses a signed-out token in another process reading the same data folder', async () => {
    const web = open()
    const realtime = open() // a second reader, as the realtime server is
    const session = await createSessionToken(ada, secret)
    const other = await createSessionToken({ id: 'u_bob', name: 'Bob' }, secret)

    expect(
      await verifySessionToken(session.token, secret, { revocations: realtime }),
    ).toMatchObject({ ok: true })
    await web.revoke(session.tokenId, session.expiresAt)

    expect(await verifySessionToken(session.token, secret, { revocations: realtime })).toEqual({
      ok: false,
      reason: 'revoked',
      message: 'signed out',
    })
    // Nobody else is signed out with it.
    expect(await verifySessionToken(other.token, secret, { revocations: realtime })).toMatchObject({
      ok: true,
    })
  })

  it('writes the list owner-only, and forgets entries once the token would have expired anyway', async () => {
    let now = 1_000_000
    const store = open({ now: () => now })
    await store.revoke('jti-1', now + 1000)
    expect(((await stat(path.join(dataDir, REVOCATION_FILE))).mode & 0o777).toString(8)).toBe('600')
    expect(await store.isRevoked('jti-1')).toBe(true)
    now += 2000
    expect(await store.isRevoked('jti-1')).toBe(false)
    // A fresh reader does not even keep it in memory.
    expect(open({ now: () => now }).knownRevoked('jti-1')).toBe(false)
  })

  it('revokes both tokens of one session (the cookie and the short-lived cross-host one)', async () => {
    const store = open()
    const cookie = await createSessionToken(ada, secret)
    const short = await createSessionToken(ada, secret, { ttlSeconds: 60, tokenId: cookie.tokenId })
    await store.revoke(cookie.tokenId, cookie.expiresAt)
    expect(await verifySessionToken(short.token, secret, { revocations: store })).toMatchObject({
      ok: false,
      reason: 'revoked',
    })
  })

  it('reads only lines added since, and takes a half-written line once it is whole', async () => {
    const reader = open()
    const expiresAt = Date.now() + 60_000
    await open().revoke('first', expiresAt)
    expect(await reader.isRevoked('first')).toBe(true)
    const file = path.join(dataDir, REVOCATION_FILE)
    // Another process in the middle of appending its line.
    await appendFile(file, 'sec')
    expect(await reader.isRevoked('sec')).toBe(false)
    await appendFile(file, `ond ${expiresAt}\n`)
    expect(await reader.isRevoked('second')).toBe(true)
    expect(await reader.isRevoked('sec')).toBe(false)
    expect(reader.knownRevoked('first')).toBe(true)
  })

  it('starts over when the file is replaced', async () => {
    const reader = open()
    const expiresAt = Date.now() + 60_000
    await open().revoke('old', expiresAt)
    expect(await reader.isRevoked('old')).toBe(true)
    const file = path.join(dataDir, REVOCATION_FILE)
    await rm(file)
    await writeFile(file, `new ${expiresAt}\n`)
    expect(await reader.isRevoked('new')).toBe(true)
  })
})

describe('a process holding connections hears of sign-outs made by another', () => {
  it('calls onRevoked once per sign-out written by another process, within the poll interval', async () => {
    const realtime = open({ pollMs: 50 })
    const heard: string[] = []
    realtime.onRevoked((jti) => heard.push(jti))
    const web = open()
    const expiresAt = Date.now() + 60_000
    await web.revoke('s-1', expiresAt)
    await web.revoke('s-2', expiresAt)
    await vi.waitFor(() => expect(heard).toEqual(['s-1', 's-2']), { timeout: 3000 })
    // Checking it again, or signing out twice, is not news.
    expect(await realtime.isRevoked('s-1')).toBe(true)
    await web.revoke('s-1', expiresAt)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(heard).toEqual(['s-1', 's-2'])
    expect(realtime.knownRevoked('s-2')).toBe(true)
  })

  it('tells its own listeners at once when it signs out itself', async () => {
    const store = open()
    const heard: string[] = []
    store.onRevoked((jti) => heard.push(jti))
    await store.revoke('mine', Date.now() + 60_000)
    expect(heard).toEqual(['mine'])
  })
})

describe('a list that cannot be read', () => {
  it('answers unavailable, never invalid and never a silent accept', async () => {
    const session = await createSessionToken(ada, secret)
    // Something that cannot be read as the list (permissions do not stop root, a folder does).
    await mkdir(path.join(dataDir, REVOCATION_FILE, 'x'), { recursive: true })
    const result = await verifySessionToken(session.token, secret, { revocations: open() })
    expect(result).toMatchObject({ ok: false, reason: 'unavailable', retryAfterMs: 2000 })
  })

  it('reports a store that cannot tell as unavailable with a retry hint', async () => {
    const session = await createSessionToken(ada, secret)
    const down = {
      isRevoked: () => Promise.reject(new RevocationsUnavailableError('the database', 1500)),
    }
    expect(await verifySessionToken(session.token, secret, { revocations: down })).toEqual({
      ok: false,
      reason: 'unavailable',
      message:
        'sessions cannot be checked right now (the database is unavailable); try again shortly',
      retryAfterMs: 1500,
    })
  })

  it('throws a failure that is not an outage (a bug) instead of calling the token invalid', async () => {
    const session = await createSessionToken(ada, secret)
    const broken = { isRevoked: () => Promise.reject(new TypeError('oops')) }
    await expect(
      verifySessionToken(session.token, secret, { revocations: broken }),
    ).rejects.toThrow('oops')
  })

  it('does not consult the store for a forged token', async () => {
    const isRevoked = vi.fn(async () => false)
    expect(await verifySessionToken('a.b.c', secret, { revocations: { isRevoked } })).toMatchObject(
      { ok: false, reason: 'invalid' },
    )
    expect(isRevoked).not.toHaveBeenCalled()
  })

  it('refuses to sign out when the list cannot be written, saying so', async () => {
    const store = createFileRevocationStore({ dataDir: path.join(dataDir, 'missing', 'folder') })
    await expect(store.revoke('x', Date.now() + 1000)).rejects.toBeInstanceOf(
      RevocationsUnavailableError,
    )
  })
})
