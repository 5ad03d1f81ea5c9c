import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  startPrivatePostgres,
  startPrivateRedis,
  whyNoPrivateServices,
  type PrivatePostgres,
  type PrivateRedis,
} from '@duplex/testing/private-services'
import { waitFor } from '@duplex/testing/wait'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { services as servicesOf } from '../services.ts'
import type * as SessionRoutes from './session.ts'

// `/api/session` in cluster mode, as one web instance runs it, on a PostgreSQL and a Redis of the
// test's own: Redis restarted empty (as docker-compose.yml runs it, nothing on disk), and both
// stores down. What the user was promised (this session is signed out) must outlive Redis; what
// cannot be told must be answered "try again", never "signed in" or "sign in again".

const whyNot = await whyNoPrivateServices()

describe.skipIf(whyNot !== undefined)('/api/session in cluster mode', { timeout: 60_000 }, () => {
  let redis: PrivateRedis
  let postgres: PrivatePostgres
  let routes: typeof SessionRoutes
  let services: typeof servicesOf | undefined

  /**
   * A web instance starting: fresh modules and services (nothing remembered from before), the
   * migrations run as `startServices` runs them. Called again, it is that instance restarted.
   */
  async function startInstance(): Promise<void> {
    if (services) {
      await services().close()
      delete (globalThis as Record<symbol, unknown>)[Symbol.for('duplex.web.services')]
      vi.resetModules()
    }
    routes = await import('./session.ts')
    const started = (await import('../services.ts')).services
    services = started
    const { SESSION_MIGRATIONS } = await import('@duplex/auth/cluster')
    await started().database?.migrate(SESSION_MIGRATIONS)
  }

  beforeAll(async () => {
    ;[redis, postgres] = await Promise.all([
      startPrivateRedis(),
      startPrivatePostgres(`duplex_web_sessions_${process.pid}`),
    ])
    vi.stubEnv('DUPLEX_DATA_DIR', mkdtempSync(path.join(tmpdir(), 'duplex-session-cluster-')))
    vi.stubEnv('SESSION_SECRET', 'a-test-secret-that-is-long-enough-for-hs256')
    vi.stubEnv('DATABASE_URL', postgres.url)
    vi.stubEnv('REDIS_URL', redis.url)
    vi.stubEnv('REDIS_KEY_PREFIX', 'web-sessions:')
    await startInstance()
  }, 60_000)

  afterAll(async () => {
    await services?.().close()
    await Promise.allSettled([redis?.dispose(), postgres?.dispose()])
  })

  const signIn = async (name: string) => {
    const response = await routes.POST(
      new Request('http://127.0.0.1:3000/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
        body: JSON.stringify({ name }),
      }),
    )
    expect(response.status).toBe(200)
    return response.headers.get('set-cookie')?.split(';')[0] ?? ''
  }
  const request = (cookie: string, method = 'GET') =>
    new Request('http://127.0.0.1:3000/api/session', {
      method,
      headers: { cookie, origin: 'http://127.0.0.1:3000' },
    })
  const whoAmI = async (cookie: string) => {
    const response = await routes.GET(request(cookie))
    return { status: response.status, body: (await response.json()) as unknown }
  }

  it('refuses a session signed out before Redis restarted empty, during the restart and after it', async () => {
    const signedOut = await signIn('Ada')
    const kept = await signIn('Bob')
    expect((await routes.DELETE(request(signedOut, 'DELETE'))).status).toBe(204)
    expect(await whoAmI(signedOut)).toMatchObject({
      status: 401,
      body: { error: { message: 'Not signed in: signed out' } },
    })

    await redis.stop()
    // Redis away: the database answers.
    expect((await whoAmI(signedOut)).status).toBe(401)
    expect((await whoAmI(kept)).status).toBe(200)
    await redis.start()
    expect(await whoAmI(signedOut)).toMatchObject({
      status: 401,
      body: { error: { message: 'Not signed in: signed out' } },
    })

    // An instance that remembers nothing (a restart, a new instance): only the database knows.
    await startInstance()
    expect(await whoAmI(signedOut)).toMatchObject({
      status: 401,
      body: { error: { message: 'Not signed in: signed out' } },
    })
    expect((await whoAmI(kept)).status).toBe(200)
  })

  it('answers 503 unavailable with Retry-After when the stores are down, and never clears the cookie', async () => {
    const cookie = await signIn('Cy')
    await postgres.stop()
    // Redis still up: sessions are checked as usual, but a sign-out cannot be stored.
    expect((await whoAmI(cookie)).status).toBe(200)
    const refused = await routes.DELETE(request(cookie, 'DELETE'))
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('2')
    expect(refused.headers.get('set-cookie')).toBeNull()
    expect(await refused.json()).toMatchObject({
      error: {
        code: 'unavailable',
        message: expect.stringMatching(/^Could not sign out: .*You are still signed in/),
        retryAfterMs: 2000,
      },
    })

    await redis.stop()
    // Neither store can say whether this session was signed out: try again, not "sign in".
    const unknown = await routes.GET(request(cookie))
    expect(unknown.status).toBe(503)
    expect(unknown.headers.get('retry-after')).toBe('2')
    expect(await unknown.json()).toMatchObject({
      error: { code: 'unavailable', retryAfterMs: 2000 },
    })
    expect((await routes.DELETE(request(cookie, 'DELETE'))).status).toBe(503)

    await Promise.all([redis.start(), postgres.start()])
    await waitFor(async () => (await whoAmI(cookie)).status === 200, {
      timeoutMs: 20_000,
      message: 'the session to be checked again once the stores are back',
    })
    expect((await routes.DELETE(request(cookie, 'DELETE'))).status).toBe(204)
    expect((await whoAmI(cookie)).status).toBe(401)
  })
})
