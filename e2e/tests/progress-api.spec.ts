import { EventSource } from 'eventsource'
import { expect, test } from '@playwright/test'
import { freshName } from '@duplex/testing/names'
import { openSse } from '@duplex/testing/sse'
import { SLOW, json, signInApi, type ApiUser } from '../fixtures/http.ts'
import { E2E } from '../fixtures/ports.ts'

const base = E2E.webUrl

// Streams and jobs belong to a user: every request here is signed in as one.
let api: ApiUser
test.beforeAll(async () => {
  api = await signInApi(freshName('api'))
})

test.describe('jobs over HTTP', () => {
  test('creates, lists, reads and rejects bad input with messages from the schema', async () => {
    const created = await api.fetch(`${base}/api/jobs`, json({ name: 'API job', durationMs: 600 }))
    expect(created.status).toBe(201)
    const job = await created.json()
    expect(job).toMatchObject({
      id: expect.any(String),
      status: 'running',
      percent: 0,
      name: 'API job',
    })
    expect(
      (await (await api.fetch(`${base}/api/jobs`)).json()).jobs.map((j: { id: string }) => j.id),
    ).toContain(job.id)
    expect((await (await api.fetch(`${base}/api/jobs/${job.id}`)).json()).id).toBe(job.id)

    const empty = await api.fetch(`${base}/api/jobs`, { method: 'POST' })
    expect(empty.status).toBe(201) // the body is optional
    await api.fetch(`${base}/api/jobs/${(await empty.json()).id}`, { method: 'DELETE' })

    const tooShort = await api.fetch(`${base}/api/jobs`, json({ durationMs: 100 }))
    expect(tooShort.status).toBe(400)
    expect((await tooShort.json()).error.message).toMatch(/durationMs/)
    const notJson = await api.fetch(`${base}/api/jobs`, { method: 'POST', body: 'nope' })
    expect(notJson.status).toBe(415) // not declared as JSON
    const badJson = await api.fetch(`${base}/api/jobs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: 'nope',
    })
    expect(badJson.status).toBe(400)
    const unknown = await api.fetch(`${base}/api/jobs/job_doesnotexist`)
    expect(unknown.status).toBe(404)
    expect((await unknown.json()).error.code).toBe('not_found')
    const unknownEvents = await api.fetch(`${base}/api/jobs/job_doesnotexist/events`)
    expect(unknownEvents.status).toBe(404)
    expect(unknownEvents.headers.get('content-type')).toMatch(/json/)
    expect((await api.fetch(`${base}/api/jobs/bad%20id!`)).status).toBe(400)
  })

  test('streams progress, then exactly one terminal event, then ends', async () => {
    const job = await (await api.fetch(`${base}/api/jobs`, json({ durationMs: 1500 }))).json()
    const sse = await openSse(`${base}/api/jobs/${job.id}/events`, api.init(), SLOW)
    await sse.done
    const names = sse.events.map((e) => e.event)
    expect(names.at(-1)).toBe('done')
    expect(names.filter((n) => n !== 'progress')).toEqual(['done'])
    const percents = sse.named('progress').map((e) => JSON.parse(e.data).percent)
    expect(percents.at(-1)).toBe(100)
    percents.forEach((p, i) => i > 0 && expect(p).toBeGreaterThanOrEqual(percents[i - 1] ?? 0))
    for (const e of sse.named('progress'))
      expect(JSON.parse(e.data)).toMatchObject({
        stage: expect.any(String),
        message: expect.any(String),
      })

    // An ended job answers with its terminal event at once; after that event was seen, 204.
    const again = await openSse(`${base}/api/jobs/${job.id}/events`, api.init(), SLOW)
    await again.done
    expect(again.events.map((e) => e.event)).toEqual(['done'])
    const after = await api.fetch(`${base}/api/jobs/${job.id}/events`, {
      headers: { 'Last-Event-ID': again.events[0]?.id ?? '' },
    })
    expect(after.status).toBe(204)
  })

  test('a spec-compliant EventSource stops after a finished job: one reconnect, a 204, and no more', async () => {
    const job = await (await api.fetch(`${base}/api/jobs`, json({ durationMs: 800 }))).json()
    let requests = 0
    const statuses: number[] = []
    const es = new EventSource(`${base}/api/jobs/${job.id}/events`, {
      fetch: async (input, init) => {
        requests++
        const response = await fetch(input, api.init(init))
        statuses.push(response.status)
        return response
      },
    })
    const terminal: string[] = []
    es.addEventListener('done', () => terminal.push('done'))
    await expect.poll(() => es.readyState, { timeout: 10_000 }).toBe(EventSource.CLOSED)
    await new Promise((r) => setTimeout(r, 1000)) // nothing more may happen
    es.close()
    expect(terminal).toEqual(['done'])
    expect(statuses).toEqual([200, 204])
    expect(requests).toBe(2)
  })

  test('DELETE cancels a running job and its stream ends with cancelled', async () => {
    const job = await (await api.fetch(`${base}/api/jobs`, json({ durationMs: 20_000 }))).json()
    const sse = await openSse(`${base}/api/jobs/${job.id}/events`, api.init(), SLOW)
    await sse.until(() => sse.named('progress').length >= 2, 'progress')
    const cancelled = await api.fetch(`${base}/api/jobs/${job.id}`, { method: 'DELETE' })
    expect(cancelled.status).toBe(200)
    expect((await cancelled.json()).status).toBe('cancelled')
    await sse.done
    expect(sse.events.at(-1)?.event).toBe('cancelled')
  })
})
