import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'

// The route reads its settings at import: a data folder of its own and a small sign-in budget.
vi.stubEnv('DUPLEX_DATA_DIR', mkdtempSync(path.join(tmpdir(), 'duplex-session-route-')))
vi.stubEnv('SESSION_MINT_PER_MINUTE', '3')
vi.stubEnv('SESSION_SECRET', 'a-test-secret-that-is-long-enough-for-hs256')
const { DELETE, GET, POST } = await import('./session.ts')
const { CLIENT_ADDRESS_HEADER } = await import('../client-address.ts')
const { GET: health } = await import('@/app/api/health/route')

const signIn = (name: string, ip: string) =>
  POST(
    new Request('http://127.0.0.1:3000/api/session', {
      method: 'POST',
      // What the server sets from the peer (see client-address.ts); a test plays the server.
      headers: { 'content-type': 'application/json', [CLIENT_ADDRESS_HEADER]: ip },
      body: JSON.stringify({ name }),
    }),
  )
const cookieOf = (response: Response) => response.headers.get('set-cookie')?.split(';')[0] ?? ''
const withCookie = (cookie: string, method = 'GET') =>
  new Request('http://127.0.0.1:3000/api/session', { method, headers: { cookie } })

describe('/api/session', () => {
  it('limits sign-ins per address with a 429 and Retry-After; other addresses and sessions go on', async () => {
    const first = await signIn('Ada', '203.0.113.7')
    expect(first.status).toBe(200)
    await signIn('Ada2', '203.0.113.7')
    await signIn('Ada3', '203.0.113.7')
    const refused = await signIn('Ada4', '203.0.113.7')
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited' } })
    expect(refused.headers.get('set-cookie')).toBeNull()

    expect((await signIn('Bob', '198.51.100.1')).status).toBe(200)
    // What was already handed out still works, and the server still answers.
    expect((await GET(withCookie(cookieOf(first)))).status).toBe(200)
    expect((await health()).status).toBe(200)
  })

  it('keeps the token out of the JSON when the realtime server shares the host', async () => {
    const response = await signIn('Grace', '192.0.2.10')
    expect(await response.json()).not.toHaveProperty('token')
    const me = await GET(withCookie(cookieOf(response)))
    expect(await me.json()).not.toHaveProperty('token')
  })

  it('revokes the token on sign-out: the same cookie is refused afterwards', async () => {
    const cookie = cookieOf(await signIn('Linus', '192.0.2.11'))
    expect((await GET(withCookie(cookie))).status).toBe(200)
    expect((await DELETE(withCookie(cookie, 'DELETE'))).status).toBe(204)
    const after = await GET(withCookie(cookie))
    expect(after.status).toBe(401)
    expect(await after.json()).toMatchObject({ error: { message: 'Not signed in: signed out' } })
  })
})
