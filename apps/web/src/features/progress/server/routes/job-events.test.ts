import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'

// The route reads its settings at import: a data folder and a session secret of its own.
vi.stubEnv('DUPLEX_DATA_DIR', mkdtempSync(path.join(tmpdir(), 'duplex-job-events-route-')))
vi.stubEnv('SESSION_SECRET', 'a-test-secret-that-is-long-enough-for-hs256')
const { POST: signIn } = await import('@/shared/server/routes/session')
const { POST: createJob } = await import('./jobs.ts')
const { GET: jobEvents } = await import('./job-events.ts')
const { progressServer } = await import('../feature.ts')
const { services } = await import('@/shared/server/services')

const origin = 'http://127.0.0.1:3000'

async function session(name: string): Promise<string> {
  const response = await signIn(
    new Request(`${origin}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.20' },
      body: JSON.stringify({ name }),
    }),
  )
  return response.headers.get('set-cookie')?.split(';')[0] ?? ''
}

describe('GET /api/jobs/:id/events', () => {
  it('leaves no stream registered for a request aborted before the route registered it', async () => {
    const cookie = await session('Ada')
    const created = await createJob(
      new Request(`${origin}/api/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, origin },
        body: JSON.stringify({ durationMs: 600_000 }),
      }),
    )
    expect(created.status).toBe(201)
    const { id } = (await created.json()) as { id: string }

    const gone = new AbortController()
    gone.abort()
    const response = await jobEvents(
      new Request(`${origin}/api/jobs/${id}/events`, { headers: { cookie }, signal: gone.signal }),
      { params: Promise.resolve({ id }) },
    )
    expect(response.status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(progressServer().streams.size).toBe(0)
    expect(services().heartbeat.size).toBe(0)

    // A live one is registered, and released once its client goes away.
    const live = new AbortController()
    await jobEvents(
      new Request(`${origin}/api/jobs/${id}/events`, { headers: { cookie }, signal: live.signal }),
      { params: Promise.resolve({ id }) },
    )
    expect(progressServer().streams.size).toBe(1)
    live.abort()
    expect(progressServer().streams.size).toBe(0)
    expect(services().heartbeat.size).toBe(0)
    await progressServer().jobs.stop('test over')
  })
})
