import {
  startPrivateRedis,
  whyNoPrivateServices,
  type PrivateRedis,
} from '@duplex/testing/private-services'
import { testServices } from '@duplex/testing/services'
import { readSse, type SseReader } from '@duplex/testing/sse'
import { waitFor } from '@duplex/testing/wait'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { RedisClients } from '@/shared/server/cluster/redis'
import { createTestDatabase, type TestDatabase } from '@/shared/server/cluster/test-database'
import { createTestCluster, type TestCluster } from '@/shared/server/cluster/test-redis'
import { createHeartbeat } from '@/shared/server/sse/heartbeat'
import { createClusterTicker, type ClusterTicker } from './cluster-ticker.ts'
import { createPostgresIdBlocks, type IdBlocks } from './id-blocks.ts'
import { tickerMigrations } from './migrations.ts'
import { LISTINGS } from './symbols.ts'

// Against the real Redis and PostgreSQL (the machine's, or TEST_REDIS_URL / TEST_DATABASE_URL),
// and a private Redis for the restarts: two or three "instances" in this process, each with its
// own connections, sharing one key prefix and one schema that are deleted afterwards.

const LEASE_MS = 600
const CAMPAIGN_MS = 100
const ID_BLOCK = 500

let unavailable: string | undefined
beforeAll(async () => {
  unavailable = (await testServices()).reason
})

let cluster: TestCluster
let database: TestDatabase | undefined
const tickers: ClusterTicker[] = []

afterEach(async () => {
  await Promise.all(tickers.splice(0).map((t) => t.stop()))
  await cluster?.cleanup()
  await database?.cleanup()
  database = undefined
})

/** The cluster's Redis (the shared one, or `redisUrl`) and a fresh schema for the id blocks. */
function services(redisUrl?: string) {
  cluster = createTestCluster(redisUrl)
  database = createTestDatabase([{ name: 'ticker', migrations: tickerMigrations }])
}

async function instance(
  name: string,
  wrapIds: (ids: IdBlocks) => IdBlocks = (ids) => ids,
): Promise<{ ticker: ClusterTicker; redis: RedisClients }> {
  if (!database) throw new Error('call services() first')
  const redis = cluster.instance(name)
  const ticker = createClusterTicker({
    redis,
    ids: wrapIds(createPostgresIdBlocks(await database.instance())),
    idBlock: ID_BLOCK,
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
    services()
    const a = await instance('a')
    const b = await instance('b')
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
    services()
    const a = await instance('a')
    await a.ticker.ready
    await waitFor(() => a.ticker.isLeader(), 'a leads')
    const b = await instance('b')
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
    services()
    const a = await instance('a')
    await a.ticker.ready
    await waitFor(() => a.ticker.isLeader(), 'a leads')
    const b = await instance('b')
    await b.ticker.ready
    const stoppedAt = Date.now()
    await a.ticker.stop()
    await waitFor(() => b.ticker.isLeader(), { message: 'b takes over', timeoutMs: LEASE_MS * 4 })
    // Within a campaign period or two, well before the lease would have expired.
    expect(Date.now() - stoppedAt).toBeLessThan(LEASE_MS)
  })

  it('resumes a stream on another instance with no gap and no duplicate', async (context) => {
    if (unavailable) return context.skip()
    services()
    const a = await instance('a')
    const b = await instance('b')
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

  it(
    'pauses at the reserved mark while PostgreSQL reserves no more ids, then goes on with no gap',
    { timeout: 30_000 },
    async (context) => {
      if (unavailable) return context.skip()
      services()
      let databaseDown = false
      const a = await instance('a', (ids) => ({
        reserve: (floor, count) =>
          databaseDown
            ? Promise.reject(new Error('connect ECONNREFUSED'))
            : ids.reserve(floor, count),
      }))
      await a.ticker.ready
      await waitFor(() => a.ticker.isLeader(), 'a leads')
      const s = await open(a.ticker, ALL)
      await waitFor(() => ticksOf(s.stream).length > 10, 'ticks')
      databaseDown = true
      // The ids of the blocks reserved so far are used up, then the market waits.
      await waitFor(() => !a.ticker.isLeader(), { message: 'the market pauses', timeoutMs: 20_000 })
      let paused = -1
      await waitFor(async () => {
        const seen = ticksOf(s.stream).length
        if (seen === paused) return true
        paused = seen
        await new Promise((r) => setTimeout(r, 300))
        return false
      }, 'no more ticks')
      databaseDown = false
      await waitFor(() => ticksOf(s.stream).length > paused + 20, 'ticks again')
      expectContiguous(ticksOf(s.stream))
      expect(integrityOf(s.stream)).toEqual({ gaps: 0, duplicates: 0, resets: 0, idsNotRising: 0 })
      s.close()
    },
  )

  it(
    'hands the market to an instance that can reserve ids when the leader cannot',
    { timeout: 30_000 },
    async (context) => {
      if (unavailable) return context.skip()
      services()
      let cutOff = false
      const a = await instance('a', (ids) => ({
        reserve: (floor, count) =>
          cutOff ? Promise.reject(new Error('connect ETIMEDOUT')) : ids.reserve(floor, count),
      }))
      await a.ticker.ready
      await waitFor(() => a.ticker.isLeader(), 'a leads')
      const b = await instance('b')
      await b.ticker.ready
      const s = await open(b.ticker, ALL)
      await waitFor(() => ticksOf(s.stream).length > 10, 'ticks')
      // PostgreSQL is out of a's reach only: once its ids run out, b runs the market.
      cutOff = true
      await waitFor(() => b.ticker.isLeader(), { message: 'b takes over', timeoutMs: 20_000 })
      const handedOver = ticksOf(s.stream).length
      await waitFor(() => ticksOf(s.stream).length > handedOver + 20, 'ticks from b')
      expectContiguous(ticksOf(s.stream))
      expect(integrityOf(s.stream)).toEqual({ gaps: 0, duplicates: 0, resets: 0, idsNotRising: 0 })
      s.close()
    },
  )

  it('changes a subscription from any instance, and 404s only when no instance has the stream', async (context) => {
    if (unavailable) return context.skip()
    services()
    const a = await instance('a')
    const b = await instance('b')
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

/**
 * What the ticker page counts (ticker-dashboard.tsx): a snapshot sets each symbol's last `seq`,
 * and every tick must follow it by one; plus ids that do not go up, which no client may see.
 */
function integrityOf(stream: SseReader) {
  const lastSeq = new Map<string, number>()
  const counts = { gaps: 0, duplicates: 0, resets: 0, idsNotRising: 0 }
  let lastId = -1
  for (const event of stream.events) {
    if (event.event === 'snapshot') {
      const snapshot = JSON.parse(event.data) as {
        reset: boolean
        quotes: { symbol: string; seq: number }[]
      }
      if (snapshot.reset) counts.resets++
      for (const quote of snapshot.quotes) lastSeq.set(quote.symbol, quote.seq)
    } else if (event.event === 'tick') {
      const tick = JSON.parse(event.data) as { symbol: string; seq: number }
      const previous = lastSeq.get(tick.symbol)
      if (previous !== undefined && tick.seq !== previous + 1) {
        if (tick.seq <= previous) counts.duplicates++
        else counts.gaps++
      }
      lastSeq.set(tick.symbol, tick.seq)
    }
    if (event.id !== undefined) {
      if (Number(event.id) <= lastId) counts.idsNotRising++
      lastId = Number(event.id)
    }
  }
  return counts
}

/** The stream's ticks before and after its reset snapshot (all before when it had none). */
function splitAtReset(stream: SseReader): { before: Tick[]; after: Tick[] } {
  const events = stream.events.filter((e) => e.event === 'tick' || e.event === 'snapshot')
  const at = events.findIndex(
    (e) => e.event === 'snapshot' && (JSON.parse(e.data) as { reset: boolean }).reset,
  )
  const ticks = (list: typeof events) =>
    list
      .filter((e) => e.event === 'tick')
      .map((e) => {
        const data = JSON.parse(e.data) as { symbol: string; seq: number }
        return { id: Number(e.id), symbol: data.symbol, seq: data.seq }
      })
  if (at === -1) return { before: ticks(events), after: [] }
  return { before: ticks(events.slice(0, at)), after: ticks(events.slice(at + 1)) }
}

const helloOf = (stream: SseReader) =>
  JSON.parse(stream.named('hello')[0]?.data ?? '{}') as { resume: string }

// Redis is stopped and started for real (empty, as docker-compose runs it): seconds per test.
describe('cluster ticker across a Redis restart', async () => {
  const noPrivate = await whyNoPrivateServices()
  let redis: PrivateRedis | undefined
  afterAll(async () => {
    await redis?.dispose()
  })

  it(
    'never takes an id back: open streams are told to start over, an old Last-Event-ID is reset, a new one resumes',
    { timeout: 60_000 },
    async (context) => {
      if (unavailable || noPrivate) return context.skip()
      redis ??= await startPrivateRedis()
      services(redis.url)
      const a = await instance('a')
      await a.ticker.ready
      await waitFor(() => a.ticker.isLeader(), 'a leads')
      const b = await instance('b')
      await b.ticker.ready
      const onA = await open(a.ticker, ALL)
      const onB = await open(b.ticker, ALL)
      await waitFor(
        () => ticksOf(onA.stream).length > 50 && ticksOf(onB.stream).length > 50,
        'ticks before the restart',
      )

      await redis.restart(1500)
      await waitFor(
        () =>
          splitAtReset(onA.stream).after.length > 50 && splitAtReset(onB.stream).after.length > 50,
        { message: 'ticks after the restart, on both instances', timeoutMs: 15_000 },
      )
      // Each stream was told once, and nothing it counts went wrong: no id and no seq came back.
      for (const { stream } of [onA, onB]) {
        expect(integrityOf(stream)).toEqual({ gaps: 0, duplicates: 0, resets: 1, idsNotRising: 0 })
        const { before, after } = splitAtReset(stream)
        const highest = Math.max(...before.map((t) => t.id))
        for (const t of after) expect(t.id).toBeGreaterThan(highest)
      }
      // The instance that led before leads again: it knew the tail of the lost log best.
      expect(a.ticker.isLeader()).toBe(true)
      expect(b.ticker.isLeader()).toBe(false)

      // A client that saw ids from before the restart cannot resume them: it is reset, not misled.
      const { before, after: seen } = splitAtReset(onB.stream)
      const old = await open(b.ticker, ['AAPL', 'MSFT'], String(before.at(-1)?.id))
      await old.stream.until((events) => events.some((e) => e.event === 'snapshot'), 'a snapshot')
      expect(helloOf(old.stream).resume).toBe('reset')
      expect(JSON.parse(old.stream.named('snapshot')[0]?.data ?? '{}')).toMatchObject({
        reset: true,
      })
      // One that saw ids from after it resumes on either instance, with no gap and no duplicate.
      const resumed = await open(a.ticker, ALL, String(seen.at(-1)?.id))
      await waitFor(() => ticksOf(resumed.stream).length > 20, 'ticks after resuming')
      expect(helloOf(resumed.stream).resume).toBe('resumed')
      expectContiguous([...seen, ...ticksOf(resumed.stream)])
      for (const s of [onA, onB, old, resumed]) s.close()
    },
  )

  it(
    'a new instance that never read the lost log leads past it: no id and no seq comes back',
    { timeout: 60_000 },
    async (context) => {
      if (unavailable || noPrivate) return context.skip()
      redis ??= await startPrivateRedis()
      services(redis.url)
      const a = await instance('a')
      await a.ticker.ready
      await waitFor(() => a.ticker.isLeader(), 'a leads')
      const onA = await open(a.ticker, ALL)
      await waitFor(() => ticksOf(onA.stream).length > 50, 'ticks before the restart')

      // The only instance dies, Redis restarts empty, and a new instance starts.
      await a.redis.close()
      await redis.restart(500)
      const before = ticksOf(onA.stream)
      const c = await instance('c')
      await c.ticker.ready
      await waitFor(() => c.ticker.isLeader(), { message: 'c leads', timeoutMs: LEASE_MS * 8 })

      const onC = await open(c.ticker, ALL, String(before.at(-1)?.id))
      await waitFor(() => ticksOf(onC.stream).length > 50, 'ticks on c')
      expect(helloOf(onC.stream).resume).toBe('reset')
      expect(integrityOf(onC.stream)).toMatchObject({ gaps: 0, duplicates: 0, idsNotRising: 0 })
      const highestId = Math.max(...before.map((t) => t.id))
      for (const t of ticksOf(onC.stream)) expect(t.id).toBeGreaterThan(highestId)
      for (const symbol of ALL) {
        const old = before.filter((t) => t.symbol === symbol).map((t) => t.seq)
        const now = ticksOf(onC.stream)
          .filter((t) => t.symbol === symbol)
          .map((t) => t.seq)
        if (old.length > 0 && now.length > 0) {
          expect(Math.min(...now), symbol).toBeGreaterThan(Math.max(...old))
        }
      }
      onA.close()
      onC.close()
    },
  )
})
