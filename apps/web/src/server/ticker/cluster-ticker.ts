import { randomUUID } from 'node:crypto'
import type { Heartbeat } from '../sse/heartbeat.ts'
import type { RedisClients } from '../cluster/redis.ts'
import { createMarket, type Market, type MarketTick } from './market.ts'
import type { Listing } from './symbols.ts'
import { createTickerHub, type OpenStreamOptions, type TickerHub } from './ticker-hub.ts'
import type { TickerStreams } from './ticker-streams.ts'

export interface ClusterTickerOptions {
  redis: RedisClients
  listings: readonly Listing[]
  seed: number
  intervalMs: number
  heartbeat: Heartbeat
  bufferSize: number
  retryMs: number
  slowConsumerMs: number
  /** How long the market lock lives without renewal: the failover time after a leader dies. */
  leaseMs?: number
  /** How often every instance renews (leader) or tries to take (the others) the lock. */
  campaignMs?: number
  /** TTL of a stream's entry in the connection registry; refreshed at a third of it. */
  registryTtlMs?: number
  /** How long a forwarded subscription change waits for the instance that holds the stream. */
  forwardTimeoutMs?: number
  log?: (message: string) => void
}

export interface ClusterTicker extends TickerStreams {
  /** This instance's hub, fed from the cluster's tick log. */
  hub: TickerHub
  /** Resolves once the hub has caught up with the log as it was at start-up. */
  ready: Promise<void>
  isLeader(): boolean
  /** Stops the market if it runs here (and hands the lock over at once), the feed and the registry. */
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
function createQuoteBook(listings: readonly Listing[]): Market & { apply(tick: MarketTick): void } {
  const ticks = new Map<string, MarketTick>()
  const now = Date.now()
  for (const l of listings) {
    ticks.set(l.symbol, { symbol: l.symbol, price: l.open, change: 0, ts: now, seq: 0 })
  }
  return {
    apply: (tick) => void (ticks.has(tick.symbol) && ticks.set(tick.symbol, tick)),
    quote: (symbol) => ticks.get(symbol),
    quotes: () => [...ticks.values()],
    has: (symbol) => ticks.has(symbol),
    // The book never moves by itself: the leader's market does, and its ticks arrive through the log.
    step: () => [],
    start: () => {},
    stop: () => {},
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The ticker of a cluster. One instance at a time holds a lock in Redis and runs the market; it
 * appends every tick to a Redis Stream under the next id of one cluster-wide counter. Every
 * instance (the leader too) follows that stream with XREAD and feeds its own hub, so each keeps
 * the same resume buffer, ids and history, and `Last-Event-ID` resumes on any of them.
 *
 * When the leader dies its lock expires within `leaseMs`; the next instance to take it loads each
 * symbol's last published tick and continues from there, so `seq` stays contiguous per symbol.
 *
 * Streams are registered in Redis (`connectionId → instance`), so a subscription change that
 * reaches another instance is forwarded over pub/sub to the one holding the stream.
 */
export function createClusterTicker(options: ClusterTickerOptions): ClusterTicker {
  const { redis } = options
  const me = redis.instanceId
  const log = options.log ?? ((message: string) => console.info(`[web] ${message}`))
  const leaseMs = options.leaseMs ?? 3000
  const campaignMs = options.campaignMs ?? 1000
  const registryTtlMs = options.registryTtlMs ?? 120_000
  const forwardTimeoutMs = options.forwardTimeoutMs ?? 2000
  const keys = {
    leader: redis.key('ticker', 'leader'),
    lastId: redis.key('ticker', 'last-id'),
    log: redis.key('ticker', 'log'),
    state: redis.key('ticker', 'state'),
    connection: (id: string) => redis.key('ticker', 'connection', id),
    control: (instance: string) => redis.key('ticker', 'control', instance),
  }
  const book = createQuoteBook(options.listings)
  const hub = createTickerHub({
    market: book,
    ids: 'external',
    listings: options.listings,
    heartbeat: options.heartbeat,
    bufferSize: options.bufferSize,
    retryMs: options.retryMs,
    slowConsumerMs: options.slowConsumerMs,
    onConnectionOpen: (id) =>
      void redis.command.set(keys.connection(id), me, 'PX', registryTtlMs).catch(() => {}),
    onConnectionClose: (id) => void redis.command.del(keys.connection(id)).catch(() => {}),
  })
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
    hub.ingest(batch)
    const head = hub.stats().headId
    for (const waiter of waiters) {
      if (waiter.id <= head) {
        waiters.delete(waiter)
        waiter.resolve()
      }
    }
  }

  const caughtUp = (id: number, timeoutMs: number) =>
    new Promise<void>((resolve) => {
      if (hub.stats().headId >= id) return resolve()
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
  const ready = start()
  ready.catch((error: unknown) => log(`ticker: start-up failed: ${(error as Error).message}`))

  // ---------------------------------------------------------------- streams and subscriptions

  const registryTimer = setInterval(() => {
    const ids = hub.connectionIds()
    if (ids.length === 0) return
    const pipeline = redis.command.pipeline()
    for (const id of ids) pipeline.set(keys.connection(id), me, 'PX', registryTtlMs)
    void pipeline.exec().catch(() => {})
  }, registryTtlMs / 3)
  registryTimer.unref?.()

  interface ControlMessage {
    type: 'change' | 'changed'
    requestId: string
    replyTo?: string
    connectionId?: string
    add?: string[]
    remove?: string[]
    symbols?: string[] | null
  }
  const pending = new Map<string, (symbols: string[] | undefined) => void>()
  const listening = redis.subscribe(keys.control(me), (raw) => {
    const message = JSON.parse(raw) as ControlMessage
    if (message.type === 'changed') {
      pending.get(message.requestId)?.(message.symbols ?? undefined)
      return
    }
    if (!message.replyTo || !message.connectionId) return
    const symbols = hub.changeSubscription(
      message.connectionId,
      message.add ?? [],
      message.remove ?? [],
    )
    const reply: ControlMessage = {
      type: 'changed',
      requestId: message.requestId,
      symbols: symbols ?? null,
    }
    void redis.command.publish(keys.control(message.replyTo), JSON.stringify(reply))
  })

  const forward = async (
    connectionId: string,
    add: string[],
    remove: string[],
  ): Promise<string[] | undefined> => {
    const holder = await redis.command.get(keys.connection(connectionId))
    if (!holder) return undefined
    await listening
    const requestId = randomUUID()
    const answer = new Promise<string[] | undefined>((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(requestId)
        resolve(undefined)
      }, forwardTimeoutMs)
      pending.set(requestId, (symbols) => {
        clearTimeout(timer)
        pending.delete(requestId)
        resolve(symbols)
      })
    })
    const request: ControlMessage = {
      type: 'change',
      requestId,
      replyTo: me,
      connectionId,
      add,
      remove,
    }
    const receivers = await redis.command.publish(keys.control(holder), JSON.stringify(request))
    if (receivers === 0) {
      // Nobody listens there any more: that instance is gone, and its stream with it.
      pending.get(requestId)?.(undefined)
      await redis.command.del(keys.connection(connectionId))
    }
    return answer
  }

  return {
    hub,
    ready,
    isLeader: () => market !== undefined,

    async open(streamOptions: OpenStreamOptions) {
      await ready
      // A client coming from an instance a few milliseconds ahead must not be told its id is
      // unknown: wait (briefly) until this instance has read that far.
      const last = Number(streamOptions.lastEventId)
      if (Number.isInteger(last) && last > hub.stats().headId) await caughtUp(last, 2000)
      return hub.openStream(streamOptions)
    },

    async change(connectionId, add, remove) {
      const local = hub.changeSubscription(connectionId, add, remove)
      if (local) return local
      return forward(connectionId, add, remove)
    },

    async stop() {
      if (stopped) return
      stopped = true
      clearTimeout(campaignTimer)
      clearInterval(registryTimer)
      const wasLeader = market !== undefined
      market?.stop()
      market = undefined
      await publishing
      // Hand the lock over now instead of letting it expire: failover in one campaign period.
      if (wasLeader) await redis.command.eval(RESIGN, 1, keys.leader, me).catch(() => {})
      const ids = hub.connectionIds()
      if (ids.length > 0) {
        await redis.command.del(...ids.map((id) => keys.connection(id))).catch(() => {})
      }
      reader.disconnect()
      for (const waiter of waiters) waiter.resolve()
      waiters.clear()
      await ready.catch(() => {})
    },
  }
}
