import { expect, test } from '@playwright/test'
import { freshName } from '@duplex/testing/names'
import { openSse } from '@duplex/testing/sse'
import { SLOW, json, signInApi, type ApiUser } from '../fixtures/http.ts'
import { E2E } from '../fixtures/ports.ts'
import { DURABLE } from '../fixtures/projects.ts'

const base = E2E.webUrl

// Streams and jobs belong to a user: every request here is signed in as one.
let api: ApiUser
test.beforeAll(async () => {
  api = await signInApi(freshName('api'))
})

test.describe('ticker stream over HTTP', () => {
  test('health and symbols answer JSON', async () => {
    const health = await api.fetch(`${base}/api/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ status: 'ok' })
    const symbols = await (await api.fetch(`${base}/api/ticker/symbols`)).json()
    expect(symbols.symbols.length).toBeGreaterThanOrEqual(18)
    expect(symbols.symbols.map((s: { symbol: string }) => s.symbol)).toContain('AAPL')
  })

  test('sends SSE headers, no compression, and streams event by event', async () => {
    const sse = await openSse(
      `${base}/api/ticker/stream?symbols=AAPL,MSFT`,
      api.init({ headers: { 'Accept-Encoding': 'gzip, deflate, br' } }),
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
    const sse = await openSse(`${base}/api/ticker/stream?symbols=KO`, api.init(), SLOW)
    await sse.until(() => sse.comments.length >= 2, { message: 'two heartbeats', timeoutMs: 5000 })
    expect(sse.comments.map((c) => c.trim())).toContain('ping')
    await sse.close()
  })

  test('rejects unknown symbols and a missing list with 400 JSON that says what is wrong', async () => {
    const unknown = await api.fetch(`${base}/api/ticker/stream?symbols=AAPL,NOPE`)
    expect(unknown.status).toBe(400)
    expect((await unknown.json()).error.message).toMatch(/NOPE/)
    const missing = await api.fetch(`${base}/api/ticker/stream`)
    expect(missing.status).toBe(400)
    expect((await missing.json()).error.message).toMatch(/symbol/)
    const malformed = await api.fetch(`${base}/api/ticker/stream?symbols=aapl%20x`)
    expect(malformed.status).toBe(400)
  })

  test('changes an open stream’s symbols with a POST, without reconnecting', async () => {
    const sse = await openSse(`${base}/api/ticker/stream?symbols=AAPL`, api.init(), SLOW)
    await sse.until(() => sse.events.length >= 1, 'hello')
    const { connectionId } = JSON.parse(sse.events[0]?.data ?? '{}')
    const change = await api.fetch(
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
    const notFound = await api.fetch(
      `${base}/api/ticker/subscriptions`,
      json({ connectionId: 'gone', add: ['TSLA'] }),
    )
    expect(notFound.status).toBe(404)
    expect((await notFound.json()).error.code).toBe('not_found')
    const badBody = await api.fetch(
      `${base}/api/ticker/subscriptions`,
      json({ connectionId: 'x', add: 'TSLA' }),
    )
    expect(badBody.status).toBe(400)
    expect((await badBody.json()).error.message).toMatch(/add/)
    const notJson = await api.fetch(`${base}/api/ticker/subscriptions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{oops',
    })
    expect(notJson.status).toBe(400)
    expect((await notJson.json()).error.message).toMatch(/JSON/)
  })

  test(
    'resumes from Last-Event-ID (header or query) with the missed ticks in order, and resets an unknown id',
    { tag: DURABLE },
    async () => {
      const first = await openSse(`${base}/api/ticker/stream?symbols=NVDA,AMD`, api.init(), SLOW)
      await first.until(() => first.named('tick').length >= 3, 'ticks')
      await first.close()
      const seen = first.named('tick')
      const lastId = seen.at(-1)?.id ?? ''
      await new Promise((r) => setTimeout(r, 800)) // ticks happen while we are away

      for (const resumed of [
        await openSse(
          `${base}/api/ticker/stream?symbols=NVDA,AMD`,
          api.init({ headers: { 'Last-Event-ID': lastId } }),
          SLOW,
        ),
        await openSse(
          `${base}/api/ticker/stream?symbols=NVDA,AMD&lastEventId=${lastId}`,
          api.init(),
          SLOW,
        ),
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
        api.init({ headers: { 'Last-Event-ID': '999999999' } }),
        SLOW,
      )
      await reset.until(() => reset.named('snapshot').length >= 1, 'snapshot')
      expect(JSON.parse(reset.named('snapshot')[0]?.data ?? '{}')).toMatchObject({ reset: true })
      await reset.close()
    },
  )
})
