import { readSse } from '@duplex/testing/sse'
import { sleep } from '@duplex/testing/wait'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createHeartbeat } from '@/shared/server/sse/heartbeat'
import { createMarket } from './market.ts'
import { LISTINGS } from './symbols.ts'
import { createTickerHub } from './ticker-hub.ts'
import { publishBenchTicks } from './bench-publisher.ts'

function setup() {
  const market = createMarket({ listings: LISTINGS, seed: 1, intervalMs: 1_000_000 })
  const hub = createTickerHub({
    feed: { start: () => {} },
    quotes: market,
    listings: LISTINGS,
    heartbeat: createHeartbeat(60_000),
    bufferSize: 1000,
    retryMs: 1000,
    slowConsumerMs: 60_000,
  })
  return hub
}

/** Reads `response` slowly (a timer pause every 20 chunks) and collects the seq of every tick. */
async function readSlowly(response: Response, until: (seqs: number[]) => boolean) {
  const seqs: number[] = []
  let parsed = 0
  const stream = readSse(response, { afterRead: (n) => (n % 20 === 0 ? sleep(1) : undefined) })
  await stream.until((events) => {
    for (; parsed < events.length; parsed++) {
      const e = events[parsed]
      if (e?.event === 'tick') seqs.push((JSON.parse(e.data) as { seq: number }).seq)
    }
    return until(seqs)
  })
  await stream.close()
  return seqs
}

const aborts: AbortController[] = []
afterEach(() => {
  for (const a of aborts.splice(0)) a.abort()
  vi.unstubAllEnvs()
  vi.resetModules()
})

describe('publishBenchTicks', () => {
  it('paced: a reader far slower than the writer still gets every tick once, in order', async () => {
    const hub = setup()
    const abort = new AbortController()
    aborts.push(abort)
    const response = hub.openStream({ symbols: ['AAPL'], signal: abort.signal, owner: 'u' })
    const count = 3000 // ~300 KB of frames: several times the stream's 64 KiB high-water mark
    const reading = readSlowly(response, (seqs) => seqs.length >= count)
    const result = await publishBenchTicks(hub, {
      symbol: 'AAPL',
      count,
      firstSeq: 1_000_000_001,
      paced: true,
    })
    expect(result.published).toBe(count)
    const seqs = await reading
    expect(seqs).toEqual(Array.from({ length: count }, (_, i) => 1_000_000_001 + i))
  })

  it('unpaced: the hub coalesces for a reader that is behind (the product’s slow-reader rule)', async () => {
    const hub = setup()
    const abort = new AbortController()
    aborts.push(abort)
    const response = hub.openStream({ symbols: ['AAPL'], signal: abort.signal, owner: 'u' })
    await publishBenchTicks(hub, { symbol: 'AAPL', count: 3000, firstSeq: 1, paced: false })
    const seqs = await readSlowly(response, (s) => s.at(-1) === 3000)
    expect(seqs.length).toBeLessThan(3000)
    expect(seqs.at(-1)).toBe(3000)
  })

  it('drained() resolves at once when no stream is open', async () => {
    await expect(setup().drained()).resolves.toBeUndefined()
  })
})

describe('POST /api/bench/ticker', () => {
  const body = JSON.stringify({ symbol: 'AAPL', count: 2, firstSeq: 1 })
  const post = (init?: RequestInit) =>
    new Request('http://localhost/api/bench/ticker', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
      ...init,
    })

  it('is a 404 unless DUPLEX_BENCH=1', async () => {
    vi.stubEnv('DUPLEX_BENCH', '')
    const { POST } = await import('./routes/bench.ts')
    const response = await POST(post())
    expect(response.status).toBe(404)
  })

  it('publishes through the hub when DUPLEX_BENCH=1, and names a bad field', async () => {
    vi.stubEnv('DUPLEX_BENCH', '1')
    const { POST } = await import('./routes/bench.ts')
    const ok = await POST(post())
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ published: 2 })
    const bad = await POST(
      post({ body: JSON.stringify({ symbol: 'AAPL', count: 0, firstSeq: 1 }) }),
    )
    expect(bad.status).toBe(400)
    expect(JSON.stringify(await bad.json())).toContain('count')
  })
})
