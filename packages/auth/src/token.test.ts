import { SignJWT } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createSessionToken, verifySessionToken } from './token.ts'

const secret = 'a-test-secret-that-is-long-enough-for-hs256'
const user = { id: 'u_1', name: 'Ada' }

afterEach(() => {
  vi.useRealTimers()
})

describe('session tokens', () => {
  it('verifies a token it signed and returns the user', async () => {
    const { token, expiresAt, tokenId } = await createSessionToken(user, secret, { ttlSeconds: 60 })
    const result = await verifySessionToken(token, secret)
    expect(result).toEqual({ ok: true, user, expiresAt, tokenId })
    expect(expiresAt).toBeGreaterThan(Date.now())
  })

  it('refuses an expired token with reason expired', async () => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'))
    const { token } = await createSessionToken(user, secret, { ttlSeconds: 60 })
    vi.setSystemTime(new Date('2025-01-01T00:01:01Z'))
    expect(await verifySessionToken(token, secret)).toEqual({
      ok: false,
      reason: 'expired',
      message: 'token expired',
    })
  })

  it('refuses a token signed with another secret as invalid', async () => {
    const { token } = await createSessionToken(
      user,
      'another-secret-that-is-just-as-long-as-ours',
      {
        ttlSeconds: 60,
      },
    )
    expect(await verifySessionToken(token, secret)).toMatchObject({ ok: false, reason: 'invalid' })
  })

  it('refuses a token whose payload was edited after signing', async () => {
    const { token } = await createSessionToken(user, secret, { ttlSeconds: 60 })
    const [header, , signature] = token.split('.')
    const forged = Buffer.from(
      JSON.stringify({
        sub: 'admin',
        name: 'Admin',
        iss: 'duplex',
        aud: 'duplex',
        exp: 9999999999,
      }),
    ).toString('base64url')
    expect(await verifySessionToken(`${header}.${forged}.${signature}`, secret)).toMatchObject({
      ok: false,
      reason: 'invalid',
    })
  })

  it('refuses an unsigned (alg none) token', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')
    const payload = Buffer.from(
      JSON.stringify({ sub: 'u_1', name: 'Ada', iss: 'duplex', aud: 'duplex', exp: 9999999999 }),
    ).toString('base64url')
    expect(await verifySessionToken(`${header}.${payload}.`, secret)).toMatchObject({
      ok: false,
      reason: 'invalid',
    })
  })

  it('refuses a genuine token whose claims are not a user', async () => {
    const token = await new SignJWT({ name: 'bad\nname' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u_1')
      .setIssuer('duplex')
      .setAudience('duplex')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret))
    expect(await verifySessionToken(token, secret)).toMatchObject({ ok: false, reason: 'invalid' })
  })

  it('reports a missing token as missing', async () => {
    for (const token of [undefined, null, '']) {
      expect(await verifySessionToken(token, secret)).toEqual({
        ok: false,
        reason: 'missing',
        message: 'no session token',
      })
    }
  })

  it('refuses garbage as invalid without throwing', async () => {
    expect(await verifySessionToken('not-a-jwt', secret)).toMatchObject({
      ok: false,
      reason: 'invalid',
    })
  })

  it('will not sign a user whose name fails the schema', async () => {
    await expect(createSessionToken({ id: 'u_1', name: '   ' }, secret)).rejects.toThrow()
  })
})
