import type { RedisClients } from '@/shared/server/cluster/redis'
import type { IdBlocks } from './id-blocks.ts'
import { createMarket, type Market, type MarketTick } from './market.ts'
import type { Listing } from './symbols.ts'
import type { FeedEntry, QuoteSource, TickFeed, TickTarget } from './ticker-hub.ts'

export interface TickLogOptions {
  redis: RedisClients
  /**
   * Where ids are reserved a block at a time (PostgreSQL): the high-water mark that lets a new
   * log, after Redis lost the old one, start past every id ever handed out.
   */
  ids: IdBlocks
  /** Ids reserved at a time (default 10 000); a new log after a Redis restart jumps up to this far. */
  idBlock?: number
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

/**
 * 2: newly taken, 1: renewed (already ours), 0: another instance holds it, 3: free, but the log is
 * gone (Redis restarted empty) and the caller should leave it to the instance that led before,
 * which knows the tail of the lost log best (ARGV[3] '1': the caller may take it anyway).
 */
const CAMPAIGN = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if holder then return 0 end
if ARGV[3] ~= '1' and redis.call('EXISTS', KEYS[2]) == 0 then return 3 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 2`

const RESIGN = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/**
 * Appends one market step to the log, fenced by the lock: an instance that lost the lock (a long
 * pause, a partition) cannot publish, so two markets never interleave. The id counter, the log and
 * each symbol's last tick change together, which is what lets a new leader continue every `seq`.
 * Ids are taken only up to the reserved mark (KEYS[5]), which PostgreSQL has recorded first.
 * Returns the last id written; -1: the caller does not hold the lock; -2: the reserved ids are
 * used up; -3: the counter or the mark is gone (Redis restarted): a new log must be started.
 */
const PUBLISH = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local reserved = tonumber(redis.call('GET', KEYS[5]))
local id = tonumber(redis.call('GET', KEYS[2]))
if not reserved or not id then return -3 end
if id + (#ARGV - 2) / 2 > reserved then return -2 end
for i = 3, #ARGV, 2 do
  id = redis.call('INCR', KEYS[2])
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], id .. '-0', 't', ARGV[i + 1])
  redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1])
end
return id`

/** Raises the reserved mark to ARGV[2] (already recorded in PostgreSQL), for the lock's holder. */
const EXTEND = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local reserved = tonumber(redis.call('GET', KEYS[2]))
if not reserved then return -3 end
if tonumber(ARGV[2]) > reserved then redis.call('SET', KEYS[2], ARGV[2]) end
return 1`

/**
 * Starts the log again after ARGV[3] (every id ever handed out is at most that): a restart entry
 * with the quotes the market continues from, under stream id ARGV[3]-1 (after any tick ARGV[3]-0,
 * before the next tick), then the counter, the reserved mark ARGV[4] and each symbol's last tick.
 * The XADD goes first: if it fails, nothing has changed. Returns 1, or -1 without the lock.
 */
const RESTART = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], ARGV[3] .. '-1', 'r', ARGV[5])
redis.call('SET', KEYS[2], ARGV[3])
redis.call('SET', KEYS[5], ARGV[4])
for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1]) end
return 1`

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
 *
 * Redis may restart empty (nothing on disk): the lock, the counter, the log and the last ticks are
 * gone, but the ids must not go back. So the counter only hands out ids that PostgreSQL has
 * reserved first, a block at a time (`IdBlocks`). A leader that finds the log gone starts it again
 * past the reserved mark, with a restart entry carrying the quotes it continues from, each `seq`
 * jumped past anything the ids it never read could have issued. Every instance that reads the
 * restart tells its streams so (`snapshot`, `reset: true`); a `Last-Event-ID` from before it is
 * too old. The instance that led before the restart knows the tail best: the others let it go
 * first for one lease.
 */
export function createTickLog(options: TickLogOptions): TickLog {
  const { redis } = options
  const me = redis.instanceId
  const log = options.log ?? ((message: string) => console.info(`[web] ${message}`))
  const leaseMs = options.leaseMs ?? 3000
  const campaignMs = options.campaignMs ?? 1000
  const idBlock = options.idBlock ?? 10_000
  const keys = {
    leader: redis.key('ticker', 'leader'),
    lastId: redis.key('ticker', 'last-id'),
    reserved: redis.key('ticker', 'reserved'),
    log: redis.key('ticker', 'log'),
    state: redis.key('ticker', 'state'),
  }
  const book = createQuoteBook(options.listings)
  let target: TickTarget | undefined
  let stopped = false

  // ---------------------------------------------------------------- the market (leader only)

  let market: Market | undefined
  let publishing: Promise<unknown> = Promise.resolve()
  /** The reserved mark as this leader last set or read it. */
  let reservedThrough = 0

  const stepDown = (why: string) => {
    if (!market) return
    market.stop()
    market = undefined
    log(`ticker: this instance no longer runs the market (${why})`)
  }

  let extending: Promise<void> | undefined
  /** Reserves the next block in PostgreSQL, then raises the mark in Redis: never the other way. */
  const extend = () => {
    extending ??= (async () => {
      const block = await options.ids.reserve(reservedThrough, idBlock)
      const result = await redis.command.eval(
        EXTEND,
        2,
        keys.leader,
        keys.reserved,
        me,
        String(block.through),
      )
      if (result === 1) reservedThrough = Math.max(reservedThrough, block.through)
    })().finally(() => (extending = undefined))
    return extending
  }
  let reserveFailing = false
  const extendSoon = () =>
    void extend().then(
      () => {
        if (reserveFailing) log('ticker: ids reserved in PostgreSQL again')
        reserveFailing = false
      },
      (error: Error) => {
        // Retried with every step until it works; said once. The market stops only when the
        // ids already reserved run out.
        if (!reserveFailing) log(`ticker: cannot reserve more ids in PostgreSQL (${error.message})`)
        reserveFailing = true
      },
    )

  const publish = (ticks: MarketTick[]) => {
    if (ticks.length === 0) return
    const args = ticks.flatMap((t) => [t.symbol, JSON.stringify(t)])
    const running = market
    // One step at a time, in order; after a failure the rest are dropped, not published out of
    // order, and the market stops: its state ran ahead of the log, so it reloads from the log.
    publishing = publishing.then(async () => {
      if (market !== running || !running) return
      try {
        const result = (await redis.command.eval(
          PUBLISH,
          5,
          keys.leader,
          keys.lastId,
          keys.log,
          keys.state,
          keys.reserved,
          me,
          String(options.bufferSize),
          ...args,
        )) as number
        if (result === -1) stepDown('another instance holds the lock')
        else if (result === -3) stepDown('the tick log is gone: Redis restarted empty')
        else if (result === -2) {
          stepDown('no ids left: waiting for PostgreSQL to reserve more')
          extendSoon()
        } else if (reservedThrough - result < idBlock / 2) extendSoon()
      } catch (error) {
        stepDown(`publishing failed: ${(error as Error).message}`)
      }
    })
  }

  const startMarket = (initial: readonly MarketTick[], after: number) => {
    market = createMarket({
      listings: options.listings,
      // Derived from the log's head: a deterministic seed, but never the previous leader's path.
      seed: (options.seed + after) >>> 0,
      intervalMs: options.intervalMs,
      initial,
    })
    market.start(publish)
    ledLast = true
    log(`ticker: this instance runs the market from id ${after + 1}`)
  }

  /**
   * The log is gone (Redis restarted empty) or never was: start it again past every id ever
   * handed out, from the quotes this instance knows.
   */
  const restart = async (redisLastId: number) => {
    // Every id up to `from` may have been handed out; this instance has read up to `head`, and
    // its quotes are exact as of there. Each id it never read may have been a tick of any one
    // symbol, so a symbol's true `seq` is at most its known one plus that many: continue past it.
    const { from, through } = await options.ids.reserve(Math.max(redisLastId, head), idBlock)
    const jump = from > head ? from - head + 1 : 0
    const initial = options.listings.flatMap((l) => {
      const quote = book.quote(l.symbol)
      return quote ? [{ ...quote, seq: quote.seq + jump }] : []
    })
    const result = await redis.command.eval(
      RESTART,
      5,
      keys.leader,
      keys.lastId,
      keys.log,
      keys.state,
      keys.reserved,
      me,
      String(options.bufferSize),
      String(from),
      String(through),
      JSON.stringify(initial),
      ...initial.flatMap((t) => [t.symbol, JSON.stringify(t)]),
    )
    if (result !== 1) throw new Error('lost the lock while starting the tick log again')
    reservedThrough = through
    if (from > 0) {
      log(
        `ticker: the tick log was gone (Redis restarted empty?); it starts again after id ${from}, ` +
          `past every id handed out (this instance had read up to ${head})`,
      )
    }
    startMarket(initial, from)
  }

  const lead = async () => {
    // A step of an earlier term still in flight would land after the state is read below.
    await publishing
    const [[, lastId], [, reserved], [, state]] = (await redis.command
      .multi()
      .get(keys.lastId)
      .get(keys.reserved)
      .hgetall(keys.state)
      .exec()) as [[null, string | null], [null, string | null], [null, Record<string, string>]]
    if (reserved === null || lastId === null) return restart(Number(lastId ?? 0))
    reservedThrough = Number(reserved)
    const after = Number(lastId)
    if (reservedThrough - after < idBlock / 2) {
      // Running low: reserve now. With some left, PostgreSQL being away need not stop the market.
      await extend().catch((error: Error) => {
        // A step makes at most one tick per symbol: fewer ids left than that may not fit one.
        if (reservedThrough - after < options.listings.length) throw error
        log(`ticker: cannot reserve more ids in PostgreSQL yet (${error.message})`)
      })
    }
    startMarket(
      Object.values(state).map((json) => JSON.parse(json) as MarketTick),
      after,
    )
  }

  let campaignTimer: ReturnType<typeof setTimeout> | undefined
  let lastRenewal = 0
  /** Whether this instance led when it last knew: after a Redis restart, it goes first. */
  let ledLast = false
  /** Since when the lock has been free with the log gone, while leaving it to the last leader. */
  let goneSince: number | undefined
  let leadError = ''
  /** Until when this instance leaves the lock to the others, after it failed to lead. */
  let standAsideUntil = 0
  const campaign = async () => {
    if (stopped) return
    let holding = false
    try {
      if (Date.now() >= standAsideUntil) {
        const mayRestart = ledLast || (goneSince !== undefined && Date.now() - goneSince >= leaseMs)
        const result = await redis.command.eval(
          CAMPAIGN,
          2,
          keys.leader,
          keys.reserved,
          me,
          String(leaseMs),
          mayRestart ? '1' : '0',
        )
        goneSince = result === 3 ? (goneSince ?? Date.now()) : undefined
        if (result === 0) {
          stepDown('another instance holds the lock')
          ledLast = false
        } else if (result === 1 || result === 2) {
          holding = true
          // Taken anew while a market runs here: the lock lapsed, and someone may have led meanwhile.
          if (result === 2) stepDown('the lock lapsed')
          lastRenewal = Date.now()
          // 1 without a market: we stepped down after an error but the lock stayed ours.
          if (!market && !stopped) await lead()
          leadError = ''
        }
      }
    } catch (error) {
      const message = (error as Error).message
      // Without a renewal the lock may already be someone else's: stop before it surely is.
      if (market && Date.now() - lastRenewal > leaseMs - campaignMs) {
        stepDown(`cannot renew the lock: ${message}`)
      } else if (!market && message !== leadError) {
        log(`ticker: cannot run the market here yet: ${message}`)
      }
      leadError = message
      if (holding && !market) {
        // The lock is ours but the market cannot start here (PostgreSQL out of this instance's
        // reach, say): holding on would stop it for the whole cluster. Let another try first.
        await redis.command.eval(RESIGN, 1, keys.leader, me).catch(() => {})
        standAsideUntil = Date.now() + leaseMs
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
  /** Id of the newest entry read (a tick, or a restart of the log). */
  let head = 0
  const waiters = new Set<{ id: number; resolve: () => void }>()

  const ingest = (reply: XReadReply) => {
    const entries = reply?.[0]?.[1] ?? []
    if (entries.length === 0) return
    // The quote book takes the whole batch first: a hub that sends a snapshot at its end (a
    // restart) must find the quotes as of that end.
    const batch: FeedEntry[] = []
    for (const [streamId, fields] of entries) {
      const id = Number(streamId.split('-')[0])
      if (fields[0] === 'r') {
        const quotes = JSON.parse(fields[1] ?? '[]') as MarketTick[]
        // Nothing to tell the streams when this instance had read every id before the restart
        // and its quotes are the ones the market continues from (a fresh cluster's first start).
        const same = quotes.every((q) => {
          const known = book.quote(q.symbol)
          return known?.seq === q.seq && known.price === q.price
        })
        for (const quote of quotes) book.apply(quote)
        if (!same || head < id) batch.push({ id, restart: true })
      } else {
        const tick = JSON.parse(fields[1] ?? '{}') as MarketTick
        book.apply(tick)
        batch.push({ id, tick })
      }
      head = Math.max(head, id)
    }
    cursor = entries.at(-1)?.[0] ?? cursor
    target?.ingest(batch)
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
    const [[, lastId], [, state]] = (await redis.command
      .multi()
      .get(keys.lastId)
      .hgetall(keys.state)
      .exec()) as [[null, string | null], [null, Record<string, string>]]
    for (const json of Object.values(state)) book.apply(JSON.parse(json) as MarketTick)
    const headId = Number(lastId ?? 0)
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
