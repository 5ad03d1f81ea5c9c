import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'

vi.stubEnv('DUPLEX_DATA_DIR', mkdtempSync(path.join(tmpdir(), 'duplex-health-routes-')))
vi.stubEnv('SESSION_SECRET', 'a-test-secret-that-is-long-enough-for-hs256')
const { GET: ready } = await import('@/app/api/ready/route')
const { GET: health } = await import('@/app/api/health/route')
const { services } = await import('@/shared/server/services')

describe('/api/ready and /api/health', () => {
  it('is ready with no dependency to wait for (one process, nothing external)', async () => {
    const response = await ready()
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok', dependencies: {} })
  })

  it('answers 503 naming a registered dependency that is down, while liveness stays 200', async () => {
    let database: 'up' | 'down' = 'down'
    const unregister = services().readiness.register('database', () => database)
    try {
      const notReady = await ready()
      expect(notReady.status).toBe(503)
      expect(await notReady.json()).toEqual({
        status: 'unavailable',
        dependencies: { database: 'down' },
      })
      const alive = await health()
      expect(alive.status).toBe(200)
      expect(await alive.json()).toMatchObject({
        status: 'ok',
        dependencies: { database: 'down' },
      })
      database = 'up'
      expect((await ready()).status).toBe(200)
    } finally {
      unregister()
    }
  })
})
