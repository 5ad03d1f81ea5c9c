import { testServices } from '@duplex/testing/services'
import { readSse, type SseReader } from '@duplex/testing/sse'
import { waitFor } from '@duplex/testing/wait'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { RedisClients } from '@/shared/server/cluster/redis'
import { createTestCluster, type TestCluster } from '@/shared/server/cluster/test-redis'
import { createHeartbeat } from '@/shared/server/sse/heartbeat'
import { createClusterTicker, type ClusterTicker } from './cluster-ticker.ts'
import { LISTINGS } from './symbols.ts'

// Against the real Redis (127.0.0.1:6379, or TEST_REDIS_URL): two or three "instances" in this
// process, each with its own connections, sharing one key prefix that is deleted afterwards.

const LEASE_MS = 600
const CAMPAIGN_MS = 100

let unavailable: string | undefined
beforeAll(async () => {
  unavailable = (await testServices({ postgres: false })).reason
})

let cluster: TestCluster
const tickers: ClusterTicker[] = []

afterEach(async () => {
  await Promise.all(tickers.splice(0).map((t) => t.stop()))
  await cluster?.cleanup()
})

function instance(name: string): { ticker: ClusterTicker; redis: RedisClients } {
  const redis = cluster.instance(name)
  const ticker = createClusterTicker({
    redis,
    listings: LISTINGS,
    seed: 42,
    intervalMs: 20,
    heartbeat: createHeartbeat(60_000),
    bufferSize: 5000,
    retryMs: 100,
    slowConsumerMs: 30_000,
    leaseMs: LEASE_MS,
    campaignMs: CAMPAIGN_MS,
    forwardTimeoutMs: 500,
    log: () => {},
  })
  tickers.push(ticker)
  return { ticker, redis }
}

interface Tick {
  id: number
  symbol: string
  seq: number
}

function ticksOf(stream: SseReader): Tick[] {
  return stream.named('tick').map((e) => {
    const data = JSON.parse(e.data) as { symbol: string; seq: number }
    return { id: Number(e.id), symbol: data.symbol, seq: data.seq }
  })
}

function open(ticker: ClusterTicker, symbols: string[], lastEventId?: string) {
  const controller = new AbortController()
  const response = ticker.open({ symbols, lastEventId, signal: controller.signal, owner: 'u' })
  return response.then((r) => ({ stream: readSse(r), close: () => controller.abort() }))
}

function expectContiguous(ticks: Tick[]) {
  const ids = ticks.map((t) => t.id)
  expect(new Set(ids).size, 'no id twice').toBe(ids.length)
  ids.forEach((id, i) => i > 0 && expect(id).toBeGreaterThan(ids[i - 1] ?? 0))
  const bySymbol = new Map<string, number[]>()
  for (const t of ticks) bySymbol.set(t.symbol, [...(bySymbol.get(t.symbol) ?? []), t.seq])
  for (const [symbol, seqs] of bySymbol) {
    seqs.forEach(
      (s, i) =>
        i > 0 && expect(s, `${symbol} after seq ${seqs[i - 1]}`).toBe((seqs[i - 1] ?? 0) + 1),
    )
  }
}

const ALL = LISTINGS.map((l) => l.symbol)

describe('cluster ticker (Redis)', () => {
  it('runs the market on exactly one instance and gives every instance the same ids', async (context) => {
    if (unavailable) return context.skip()
    cluster = createTestCluster()
    const a = instance('a')
    const b = instance('b')
    await Promise.all([a.ticker.ready, b.ticker.ready])
    await waitFor(() => a.ticker.isLeader() || b.ticker.isLeader(), 'a leader')
    const sa = await open(a.ticker, ALL)
    const sb = await open(b.ticker, ALL)
    await waitFor(() => ticksOf(sa.stream).length > 100 && ticksOf(sb.stream).length > 100, 'ticks')
    expect(a.ticker.isLeader() && b.ticker.isLeader()).toBe(false)

    const ta = ticksOf(sa.stream)
    const tb = ticksOf(sb.stream)
    expectContiguous(ta)
    expectContiguous(tb)
    // Same id, same tick, on both instances: one log, not two markets.
    const byId = new Map(ta.map((t) => [t.id, t]))
    const common = tb.filter((t) => byId.has(t.id))
    expect(common.length).toBeGreaterThan(50)
    for (const t of common) expect(byId.get(t.id)).toEqual(t)
    sa.close()
    sb.close()
  })

  it('fails over when the leader dies: seq continues per symbol, ids stay contiguous', async (context) => {
    if (unavailable) return context.skip()
    cluster = createTestCluster()
    const a = instance('a')
    await a.ticker.ready
    await waitFor(() => a.ticker.isLeader(), 'a leads')
    const b = instance('b')
    await b.ticker.ready
    const sb = await open(b.ticker, ALL)
    await waitFor(() => ticksOf(sb.stream).length > 60, 'ticks before the crash')

    // A crash, not a shutdown: the connections drop and the lock is left to expire.
    a.redis.command.disconnect()
    const before = ticksOf(sb.stream).length
    await waitFor(() => b.ticker.isLeader(), { message: 'b takes over', timeoutMs: LEASE_MS * 4 })
    await waitFor(() => ticksOf(sb.stream).length > before + 60, 'ticks after the failover')
    expect(a.ticker.isLeader()).toBe(false)

    const ticks = ticksOf(sb.stream)
    expectContiguous(ticks)
    const ids = ticks.map((t) => t.id)
    // Global ids never skip: the new leader's counter is the same Redis counter.
    ids.forEach((id, i) => i > 0 && expect(id).toBe((ids[i - 1] ?? 0) + 1))
    sb.close()
  })

  it('hands the market over at once on a graceful stop', async (context) => {
    if (unavailable) return context.skip()
    cluster = createTestCluster()
    const a = instance('a')
    await a.ticker.ready
    await waitFor(() => a.ticker.isLeader(), 'a leads')
    const b = instance('b')
    await b.ticker.ready
    const stoppedAt = Date.now()
    await a.ticker.stop()
    await waitFor(() => b.ticker.isLeader(), { message: 'b takes over', timeoutMs: LEASE_MS * 4 })
    // Within a campaign period or two, well before the lease would have expired.
    expect(Date.now() - stoppedAt).toBeLessThan(LEASE_MS)
  })

  it('resumes a stream on another instance with no gap and no duplicate', async (context) => {
    if (unavailable) return context.skip()
    cluster = createTestCluster()
    const a = instance('a')
    const b = instance('b')
    await Promise.all([a.ticker.ready, b.ticker.ready])
    const symbols = ['AAPL', 'MSFT', 'NVDA', 'TSLA']
    const first = await open(a.ticker, symbols)
    await waitFor(() => ticksOf(first.stream).length > 30, 'ticks on a')
    first.close()
    const seen = ticksOf(first.stream)
    const lastId = String(seen.at(-1)?.id)
    await new Promise((r) => setTimeout(r, 200)) // ticks go by while the client is away

    const second = await open(b.ticker, symbols, lastId)
    await waitFor(() => ticksOf(second.stream).length > 30, 'ticks on b')
    const hello = JSON.parse(second.stream.named('hello')[0]?.data ?? '{}') as { resume: string }
    expect(hello.resume).toBe('resumed')
    expect(second.stream.named('snapshot')).toHaveLength(0)
    expectContiguous([...seen, ...ticksOf(second.stream)])
    second.close()
  })

  it('changes a subscription from any instance, and 404s only when no instance has the stream', async (context) => {
    if (unavailable) return context.skip()
    cluster = createTestCluster()
    const a = instance('a')
    const b = instance('b')
    await Promise.all([a.ticker.ready, b.ticker.ready])
    const s = await open(a.ticker, ['AAPL'])
    await waitFor(() => s.stream.named('hello').length === 1, 'hello')
    const { connectionId } = JSON.parse(s.stream.named('hello')[0]?.data ?? '{}') as {
      connectionId: string
    }

    // Another user on another instance cannot touch it: the same answer as for no stream at all.
    expect(await b.ticker.change(connectionId, 'mallory', ['TSLA'], ['AAPL'])).toBe(undefined)
    expect(await b.ticker.change(connectionId, 'u', ['TSLA'], ['AAPL'])).toEqual(['TSLA'])
    await waitFor(() => ticksOf(s.stream).some((t) => t.symbol === 'TSLA'), 'a TSLA tick on a')
    expect(await b.ticker.change('00000000-0000-4000-8000-000000000000', 'u', ['MSFT'], [])).toBe(
      undefined,
    )

    s.close()
    await waitFor(() => a.ticker.hub.connectionIds().length === 0, 'the stream to close')
    // The registry entry goes with the stream: another instance no longer finds it.
    await new Promise((r) => setTimeout(r, 50))
    expect(await b.ticker.change(connectionId, 'u', ['MSFT'], [])).toBe(undefined)
  })
})
