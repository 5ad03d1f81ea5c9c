import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  REVOCATION_FILE,
  createFileRevocationStore,
  createRedisRevocationStore,
} from './revocation.ts'
import { createSessionToken, verifySessionToken } from './token.ts'

const secret = 'a-test-secret-that-is-long-enough-for-hs256'
const ada = { id: 'u_ada', name: 'Ada' }
let dataDir: string

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'duplex-revocation-'))
})
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

describe('signing out revokes the token wherever it is checked', () => {
  it('refuses a signed-out token in another process reading the same data folder', async () => {
    const web = createFileRevocationStore({ dataDir })
    const realtime = createFileRevocationStore({ dataDir }) // a second reader, as the realtime server is
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
    const store = createFileRevocationStore({ dataDir, now: () => now })
    await store.revoke('jti-1', now + 1000)
    expect(((await stat(path.join(dataDir, REVOCATION_FILE))).mode & 0o777).toString(8)).toBe('600')
    expect(await store.isRevoked('jti-1')).toBe(true)
    now += 2000
    expect(await store.isRevoked('jti-1')).toBe(false)
  })

  it('revokes both tokens of one session (the cookie and the short-lived cross-host one)', async () => {
    const store = createFileRevocationStore({ dataDir })
    const cookie = await createSessionToken(ada, secret)
    const short = await createSessionToken(ada, secret, { ttlSeconds: 60, tokenId: cookie.tokenId })
    await store.revoke(cookie.tokenId, cookie.expiresAt)
    expect(await verifySessionToken(short.token, secret, { revocations: store })).toMatchObject({
      ok: false,
      reason: 'revoked',
    })
  })

  it('keeps cluster entries in Redis keys that expire with the token', async () => {
    const keys = new Map<string, number>()
    const redis = {
      set: async (key: string, _value: string, _mode: 'PX', ms: number) => keys.set(key, ms),
      exists: async (key: string) => (keys.has(key) ? 1 : 0),
    }
    const store = createRedisRevocationStore(redis, 'duplex:', () => 0)
    await store.revoke('jti-9', 60_000)
    expect([...keys]).toEqual([['duplex:session:revoked:jti-9', 60_000]])
    expect(await store.isRevoked('jti-9')).toBe(true)
    expect(await store.isRevoked('jti-10')).toBe(false)
  })
})
