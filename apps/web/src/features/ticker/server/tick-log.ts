import type { RedisClients } from '@/shared/server/cluster/redis'
import { createMarket, type Market, type MarketTick } from './market.ts'
import type { Listing } from './symbols.ts'
import type { QuoteSource, TickFeed, TickTarget } from './ticker-hub.ts'

export interface TickLogOptions {
  redis: RedisClients
  listings: readonly Listing[]
  seed: number
  intervalMs: number
  /** Ticks the log keeps (and a starting instance reads back), at least the resume buffer's size. */
  bufferSize: number
  /** How long the market lock lives without renewal: the failover time after a leader dies. */
  leaseMs?: number
  /** How often every instance renews (leader) or tries to take (the others) the lock. */
  campaignMs?: number
  log?: (message: string) => void
}

export interface TickLog {
  /** The log as a hub's feed: every tick, with its cluster-wide id, as it is appended. */
  feed: TickFeed
  /** The latest tick of every symbol as this instance has read it. */
  quotes: QuoteSource
  /** Resolves once this instance has read the log as it was at start-up. */
  ready: Promise<void>
  isLeader(): boolean
  /** Resolves once the feed has handed over tick `id` (or after `timeoutMs`). */
  caughtUp(id: number, timeoutMs: number): Promise<void>
  /** Stops the market if it runs here (and hands the lock over at once), then the feed. */
  stop(): Promise<void>
}

// Every script touches only the keys it is given, so each is atomic on one Redis.

/** 2: newly taken, 1: renewed (already ours), 0: another instance holds it. */
const CAMPAIGN = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 2`

const RESIGN = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/**
 * Appends one market step to the log, fenced by the lock: an instance that lost the lock (a long
 * pause, a partition) cannot publish, so two markets never interleave. The id counter, the log and
 * each symbol's last tick change together, which is what lets a new leader continue every `seq`.
 * Returns the last id written, or -1 when the caller does not hold the lock.
 */
const PUBLISH = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local id = 0
for i = 3, #ARGV, 2 do
  id = redis.call('INCR', KEYS[2])
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], id .. '-0', 't', ARGV[i + 1])
  redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1])
end
return id`

type XReadReply = [string, [string, string[]][]][] | null

/** The latest tick per symbol as this instance has seen it: what snapshots are made of. */
function createQuoteBook(listings: readonly Listing[]): QuoteSource & {
  apply(tick: MarketTick): void
} {
  const ticks = new Map<string, MarketTick>()
  const now = Date.now()
  for (const l of listings) {
    ticks.set(l.symbol, { symbol: l.symbol, price: l.open, change: 0, ts: now, seq: 0 })
  }
  return {
    apply: (tick) => void (ticks.has(tick.symbol) && ticks.set(tick.symbol, tick)),
    quote: (symbol) => ticks.get(symbol),
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The cluster's tick log: the feed of every instance's hub in cluster mode. One instance at a time
 * holds a lock in Redis and runs the market; it appends every tick to a Redis Stream under the
 * next id of one cluster-wide counter. Every instance (the leader too) follows that stream with
 * XREAD and hands each tick to its hub, so each keeps the same resume buffer, ids and history.
 *
 * When the leader dies its lock expires within `leaseMs`; the next instance to take it loads each
 * symbol's last published tick and continues from there, so `seq` stays contiguous per symbol.
 */
export function createTickLog(options: TickLogOptions): TickLog {
  const { redis } = options
  const me = redis.instanceId
  const log = options.log ?? ((message: string) => console.info(`[web] ${message}`))
  const leaseMs = options.leaseMs ?? 3000
  const campaignMs = options.campaignMs ?? 1000
  const keys = {
    leader: redis.key('ticker', 'leader'),
    lastId: redis.key('ticker', 'last-id'),
    log: redis.key('ticker', 'log'),
    state: redis.key('ticker', 'state'),
  }
  const book = createQuoteBook(options.listings)
  let target: TickTarget | undefined
  let stopped = false

  // ---------------------------------------------------------------- the market (leader only)

  let market: Market | undefined
  let publishing: Promise<unknown> = Promise.resolve()

  const stepDown = (why: string) => {
    if (!market) return
    market.stop()
    market = undefined
    log(`ticker: this instance no longer runs the market (${why})`)
  }

  const publish = (ticks: MarketTick[]) => {
    if (ticks.length === 0) return
    const args = ticks.flatMap((t) => [t.symbol, JSON.stringify(t)])
    const running = market
    // One step at a time, in order; after a failure the rest are dropped, not published out of
    // order, and the market stops: its state ran ahead of the log, so it reloads from the log.
    publishing = publishing.then(async () => {
      if (market !== running || !running) return
      try {
        const result = await redis.command.eval(
          PUBLISH,
          4,
          keys.leader,
          keys.lastId,
          keys.log,
          keys.state,
          me,
          String(options.bufferSize),
          ...args,
        )
        if (result === -1) stepDown('another instance holds the lock')
      } catch (error) {
        stepDown(`publishing failed: ${(error as Error).message}`)
      }
    })
  }

  const lead = async () => {
    // A step of an earlier term still in flight would land after the state is read below.
    await publishing
    const [[, head], [, state]] = (await redis.command
      .multi()
      .get(keys.lastId)
      .hgetall(keys.state)
      .exec()) as [[null, string | null], [null, Record<string, string>]]
    const initial = Object.values(state).map((json) => JSON.parse(json) as MarketTick)
    market = createMarket({
      listings: options.listings,
      // Derived from the log's head: a deterministic seed, but never the previous leader's path.
      seed: (options.seed + Number(head ?? 0)) >>> 0,
      intervalMs: options.intervalMs,
      initial,
    })
    market.start(publish)
    log(`ticker: this instance runs the market from id ${Number(head ?? 0) + 1}`)
  }

  let campaignTimer: ReturnType<typeof setTimeout> | undefined
  let lastRenewal = 0
  const campaign = async () => {
    if (stopped) return
    try {
      const result = await redis.command.eval(CAMPAIGN, 1, keys.leader, me, String(leaseMs))
      if (result === 0) stepDown('another instance holds the lock')
      else {
        // Taken anew while a market runs here: the lock lapsed, and someone may have led meanwhile.
        if (result === 2) stepDown('the lock lapsed')
        lastRenewal = Date.now()
        // 1 without a market: we stepped down after an error but the lock stayed ours.
        if (!market && !stopped) await lead()
      }
    } catch (error) {
      // Without a renewal the lock may already be someone else's: stop before it surely is.
      if (market && Date.now() - lastRenewal > leaseMs - campaignMs) {
        stepDown(`cannot renew the lock: ${(error as Error).message}`)
      }
    }
    if (!stopped) {
      campaignTimer = setTimeout(() => void campaign(), campaignMs)
      campaignTimer.unref?.()
    }
  }

  // ---------------------------------------------------------------- the feed (every instance)

  const reader = redis.blocking()
  let cursor = '0-0'
  /** Id of the newest tick handed to the hub. */
  let head = 0
  const waiters = new Set<{ id: number; resolve: () => void }>()

  const ingest = (reply: XReadReply) => {
    const entries = reply?.[0]?.[1] ?? []
    if (entries.length === 0) return
    const batch = entries.map(([streamId, fields]) => {
      const tick = JSON.parse(fields[1] ?? '{}') as MarketTick
      book.apply(tick)
      return { id: Number(streamId.split('-')[0]), tick }
    })
    cursor = entries.at(-1)?.[0] ?? cursor
    target?.ingest(batch)
    head = Math.max(head, batch.at(-1)?.id ?? head)
    for (const waiter of waiters) {
      if (waiter.id <= head) {
        waiters.delete(waiter)
        waiter.resolve()
      }
    }
  }

  const caughtUp = (id: number, timeoutMs: number) =>
    new Promise<void>((resolve) => {
      if (head >= id) return resolve()
      const waiter = { id, resolve }
      waiters.add(waiter)
      setTimeout(() => {
        waiters.delete(waiter)
        resolve()
      }, timeoutMs).unref?.()
    })

  const follow = async () => {
    while (!stopped) {
      try {
        ingest(
          (await reader.xread(
            'COUNT',
            1000,
            'BLOCK',
            1000,
            'STREAMS',
            keys.log,
            cursor,
          )) as XReadReply,
        )
      } catch (error) {
        if (stopped) return
        log(`ticker: reading the tick log failed (${(error as Error).message}); retrying`)
        await sleep(500)
      }
    }
  }

  const start = async () => {
    // The latest tick of every symbol first (symbols that have not traded for a while are not in
    // the replayed window), then the last `bufferSize` ticks of the log, so resumes work at once.
    const [[, head], [, state]] = (await redis.command
      .multi()
      .get(keys.lastId)
      .hgetall(keys.state)
      .exec()) as [[null, string | null], [null, Record<string, string>]]
    for (const json of Object.values(state)) book.apply(JSON.parse(json) as MarketTick)
    const headId = Number(head ?? 0)
    cursor = `${Math.max(0, headId - options.bufferSize)}-0`
    void follow()
    await caughtUp(headId, 30_000)
    void campaign()
  }
  // Reading starts when the hub starts the feed: no tick is read before it has somewhere to go.
  let begin: () => void = () => {}
  const ready = new Promise<void>((resolve) => (begin = resolve)).then(start)
  ready.catch((error: unknown) => log(`ticker: start-up failed: ${(error as Error).message}`))

  return {
    feed: {
      start(next) {
        target = next
        begin()
      },
    },
    quotes: book,
    ready,
    isLeader: () => market !== undefined,
    caughtUp,

    async stop() {
      if (stopped) return
      stopped = true
      clearTimeout(campaignTimer)
      const wasLeader = market !== undefined
      market?.stop()
      market = undefined
      await publishing
      // Hand the lock over now instead of letting it expire: failover in one campaign period.
      if (wasLeader) await redis.command.eval(RESIGN, 1, keys.leader, me).catch(() => {})
      reader.disconnect()
      for (const waiter of waiters) waiter.resolve()
      waiters.clear()
      if (target) await ready.catch(() => {})
    },
  }
}
