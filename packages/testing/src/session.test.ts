import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadSessionSecret, readSessionCookie, verifySessionToken } from '@duplex/auth'
import { describe, expect, it } from 'vitest'
import {
  createTestSession,
  dataDirSecret,
  sessionToken,
  TEST_SESSION_SECRET,
  testUser,
} from './session.ts'

describe('createTestSession', () => {
  it('signs a session that @duplex/auth accepts, for a name or a whole user', async () => {
    const ada = await createTestSession('Ada')
    expect(ada.user).toEqual({ id: 'u_ada', name: 'Ada' })
    const verified = await verifySessionToken(readSessionCookie(ada.cookie), TEST_SESSION_SECRET)
    expect(verified).toEqual({
      ok: true,
      user: ada.user,
      expiresAt: ada.expiresAt,
      // Every token names its session, so signing out can revoke exactly that one.
      tokenId: expect.any(String),
    })
    expect(ada.expiresAt - Date.now()).toBeGreaterThan(3500_000)

    const grace = testUser('Grace Hopper', 'g-1')
    const token = await sessionToken(grace, { ttlSeconds: 60, secret: 'x'.repeat(32) })
    expect(await verifySessionToken(token, 'x'.repeat(32))).toMatchObject({ ok: true, user: grace })
    expect(await verifySessionToken(token, TEST_SESSION_SECRET)).toMatchObject({ ok: false })
  })

  it('derives ids from names', () => {
    expect(testUser('Grace Hopper').id).toBe('u_grace_hopper')
  })
})

describe('dataDirSecret', () => {
  it('reads the secret the servers of a data folder sign with', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'duplex-testing-'))
    try {
      const servers = await loadSessionSecret({ dataDir: dir })
      expect(await dataDirSecret(dir)).toBe(servers)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
