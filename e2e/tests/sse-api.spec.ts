import { EventSource } from 'eventsource'
import { expect, test } from '@playwright/test'
import { openSse } from '@duplex/testing/sse'
import { E2E } from '../fixtures/ports.ts'
import { DURABLE } from '../fixtures/projects.ts'

const base = E2E.webUrl
/** Waits on a stream over a real server give up after 10 s, not the kit's 5. */
const SLOW = { timeoutMs: 10_000 }
const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
})

test.describe('ticker stream over HTTP', () => {
  test('health and symbols answer JSON', async () => {
    const health = await fetch(`${base}/api/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ status: 'ok' })
    const symbols = await (await fetch(`${base}/api/ticker/symbols`)).json()
    expect(symbols.symbols.length).toBeGreaterThanOrEqual(18)
    expect(symbols.symbols.map((s: { symbol: string }) => s.symbol)).toContain('AAPL')
  })

  test('sends SSE headers, no compression, and streams event by event', async () => {
    const sse = await openSse(
      `${base}/api/ticker/stream?symbols=AAPL,MSFT`,
      { headers: { 'Accept-Encoding': 'gzip, deflate, br' } },
      SLOW,
    )
    expect(sse.response.status).toBe(200)
    expect(sse.response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(sse.response.headers.get('cache-control')).toBe('no-cache, no-transform')
    expect(sse.response.headers.get('x-accel-buffering')).toBe('no')
    expect(sse.response.headers.get('content-encoding')).toBeNull()

    await sse.until(() => sse.named('tick').length >= 8, 'eight ticks')
    const [hello] = sse.events
    expect(hello?.event).toBe('hello')
    expect(JSON.parse(hello?.data ?? '{}')).toMatchObject({
      connectionId: expect.any(String),
      symbols: ['AAPL', 'MSFT'],
    })
    expect(sse.retries.length).toBeGreaterThan(0)

    const ticks = sse.named('tick')
    for (const tick of ticks) {
      expect(tick.id).toMatch(/^\d+$/)
      const data = JSON.parse(tick.data)
      expect(['AAPL', 'MSFT']).toContain(data.symbol)
      expect(data).toMatchObject({ price: expect.any(Number), ts: expect.any(Number) })
    }
    const ids = ticks.map((t) => Number(t.id))
    ids.forEach((id, i) => i > 0 && expect(id).toBeGreaterThan(ids[i - 1] ?? 0))
    // A buffering hop would hand all ticks over in one or two reads; streamed ticks come in many.
    expect(new Set(ticks.map((t) => t.read)).size).toBeGreaterThanOrEqual(4)
    await sse.close()
  })

  test('sends a heartbeat comment every SSE_HEARTBEAT_MS', async () => {
    const sse = await openSse(`${base}/api/ticker/stream?symbols=KO`, {}, SLOW)
    await sse.until(() => sse.comments.length >= 2, { message: 'two heartbeats', timeoutMs: 5000 })
    expect(sse.comments.map((c) => c.trim())).toContain('ping')
    await sse.close()
  })

  test('rejects unknown symbols and a missing list with 400 JSON that says what is wrong', async () => {
    const unknown = await fetch(`${base}/api/ticker/stream?symbols=AAPL,NOPE`)
    expect(unknown.status).toBe(400)
    expect((await unknown.json()).error.message).toMatch(/NOPE/)
    const missing = await fetch(`${base}/api/ticker/stream`)
    expect(missing.status).toBe(400)
    expect((await missing.json()).error.message).toMatch(/symbol/)
    const malformed = await fetch(`${base}/api/ticker/stream?symbols=aapl%20x`)
    expect(malformed.status).toBe(400)
  })

  test('changes an open stream’s symbols with a POST, without reconnecting', async () => {
    const sse = await openSse(`${base}/api/ticker/stream?symbols=AAPL`, {}, SLOW)
    await sse.until(() => sse.events.length >= 1, 'hello')
    const { connectionId } = JSON.parse(sse.events[0]?.data ?? '{}')
    const change = await fetch(
      `${base}/api/ticker/subscriptions`,
      json({ connectionId, add: ['TSLA'], remove: ['AAPL'] }),
    )
    expect(change.status).toBe(200)
    expect(await change.json()).toEqual({ connectionId, symbols: ['TSLA'] })
    const mark = sse.named('tick').length
    await sse.until(
      () =>
        sse
          .named('tick')
          .slice(mark)
          .filter((t) => JSON.parse(t.data).symbol === 'TSLA').length >= 3,
      'TSLA ticks',
    )
    // Give in-flight AAPL frames a moment to drain, then none may follow.
    const settled = sse.named('tick').length
    await sse.until(() => sse.named('tick').length >= settled + 3, 'more ticks')
    expect(
      sse
        .named('tick')
        .slice(settled)
        .map((t) => JSON.parse(t.data).symbol),
    ).not.toContain('AAPL')
    expect(sse.ended()).toBe(false)
    await sse.close()
  })

  test('answers bad subscription changes with 400 and unknown connections with 404', async () => {
    const notFound = await fetch(
      `${base}/api/ticker/subscriptions`,
      json({ connectionId: 'gone', add: ['TSLA'] }),
    )
    expect(notFound.status).toBe(404)
    expect((await notFound.json()).error.code).toBe('not_found')
    const badBody = await fetch(
      `${base}/api/ticker/subscriptions`,
      json({ connectionId: 'x', add: 'TSLA' }),
    )
    expect(badBody.status).toBe(400)
    expect((await badBody.json()).error.message).toMatch(/add/)
    const notJson = await fetch(`${base}/api/ticker/subscriptions`, {
      method: 'POST',
      body: '{oops',
    })
    expect(notJson.status).toBe(400)
    expect((await notJson.json()).error.message).toMatch(/JSON/)
  })

  test(
    'resumes from Last-Event-ID (header or query) with the missed ticks in order, and resets an unknown id',
    { tag: DURABLE },
    async () => {
      const first = await openSse(`${base}/api/ticker/stream?symbols=NVDA,AMD`, {}, SLOW)
      await first.until(() => first.named('tick').length >= 3, 'ticks')
      await first.close()
      const seen = first.named('tick')
      const lastId = seen.at(-1)?.id ?? ''
      await new Promise((r) => setTimeout(r, 800)) // ticks happen while we are away

      for (const resumed of [
        await openSse(
          `${base}/api/ticker/stream?symbols=NVDA,AMD`,
          { headers: { 'Last-Event-ID': lastId } },
          SLOW,
        ),
        await openSse(`${base}/api/ticker/stream?symbols=NVDA,AMD&lastEventId=${lastId}`, {}, SLOW),
      ]) {
        await resumed.until(() => resumed.named('tick').length >= 6, 'replayed and live ticks')
        expect(JSON.parse(resumed.events[0]?.data ?? '{}').resume).toBe('resumed')
        expect(resumed.named('snapshot')).toHaveLength(0)
        const all = [...seen, ...resumed.named('tick')].map((t) => ({
          id: Number(t.id),
          ...JSON.parse(t.data),
        }))
        for (const symbol of ['NVDA', 'AMD']) {
          const seqs = all.filter((t) => t.symbol === symbol).map((t) => t.seq)
          seqs.forEach(
            (s, i) =>
              i > 0 && expect(s, `${symbol} seq after ${seqs[i - 1]}`).toBe((seqs[i - 1] ?? 0) + 1),
          )
        }
        await resumed.close()
      }

      const reset = await openSse(
        `${base}/api/ticker/stream?symbols=NVDA`,
        { headers: { 'Last-Event-ID': '999999999' } },
        SLOW,
      )
      await reset.until(() => reset.named('snapshot').length >= 1, 'snapshot')
      expect(JSON.parse(reset.named('snapshot')[0]?.data ?? '{}')).toMatchObject({ reset: true })
      await reset.close()
    },
  )
})

test.describe('jobs over HTTP', () => {
  test('creates, lists, reads and rejects bad input with messages from the schema', async () => {
    const created = await fetch(`${base}/api/jobs`, json({ name: 'API job', durationMs: 600 }))
    expect(created.status).toBe(201)
    const job = await created.json()
    expect(job).toMatchObject({
      id: expect.any(String),
      status: 'running',
      percent: 0,
      name: 'API job',
    })
    expect(
      (await (await fetch(`${base}/api/jobs`)).json()).jobs.map((j: { id: string }) => j.id),
    ).toContain(job.id)
    expect((await (await fetch(`${base}/api/jobs/${job.id}`)).json()).id).toBe(job.id)

    const empty = await fetch(`${base}/api/jobs`, { method: 'POST' })
    expect(empty.status).toBe(201) // the body is optional
    await fetch(`${base}/api/jobs/${(await empty.json()).id}`, { method: 'DELETE' })

    const tooShort = await fetch(`${base}/api/jobs`, json({ durationMs: 100 }))
    expect(tooShort.status).toBe(400)
    expect((await tooShort.json()).error.message).toMatch(/durationMs/)
    const notJson = await fetch(`${base}/api/jobs`, { method: 'POST', body: 'nope' })
    expect(notJson.status).toBe(400)
    const unknown = await fetch(`${base}/api/jobs/job_doesnotexist`)
    expect(unknown.status).toBe(404)
    expect((await unknown.json()).error.code).toBe('not_found')
    const unknownEvents = await fetch(`${base}/api/jobs/job_doesnotexist/events`)
    expect(unknownEvents.status).toBe(404)
    expect(unknownEvents.headers.get('content-type')).toMatch(/json/)
    expect((await fetch(`${base}/api/jobs/bad%20id!`)).status).toBe(400)
  })

  test('streams progress, then exactly one terminal event, then ends', async () => {
    const job = await (await fetch(`${base}/api/jobs`, json({ durationMs: 1500 }))).json()
    const sse = await openSse(`${base}/api/jobs/${job.id}/events`, {}, SLOW)
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
    const again = await openSse(`${base}/api/jobs/${job.id}/events`, {}, SLOW)
    await again.done
    expect(again.events.map((e) => e.event)).toEqual(['done'])
    const after = await fetch(`${base}/api/jobs/${job.id}/events`, {
      headers: { 'Last-Event-ID': again.events[0]?.id ?? '' },
    })
    expect(after.status).toBe(204)
  })

  test('a spec-compliant EventSource stops after a finished job: one reconnect, a 204, and no more', async () => {
    const job = await (await fetch(`${base}/api/jobs`, json({ durationMs: 800 }))).json()
    let requests = 0
    const statuses: number[] = []
    const es = new EventSource(`${base}/api/jobs/${job.id}/events`, {
      fetch: async (input, init) => {
        requests++
        const response = await fetch(input, init)
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
    const job = await (await fetch(`${base}/api/jobs`, json({ durationMs: 20_000 }))).json()
    const sse = await openSse(`${base}/api/jobs/${job.id}/events`, {}, SLOW)
    await sse.until(() => sse.named('progress').length >= 2, 'progress')
    const cancelled = await fetch(`${base}/api/jobs/${job.id}`, { method: 'DELETE' })
    expect(cancelled.status).toBe(200)
    expect((await cancelled.json()).status).toBe('cancelled')
    await sse.done
    expect(sse.events.at(-1)?.event).toBe('cancelled')
  })
})
