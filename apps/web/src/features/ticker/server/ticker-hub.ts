import { randomUUID } from 'node:crypto'
import type {
  Quote,
  SymbolInfo,
  TickerEventData,
  TickerEventName,
  TickerHello,
} from '@duplex/protocol/ticker'
import { encodeSseFrame, encodeSseJson } from '@duplex/protocol/sse'
import type { Heartbeat } from '@/shared/server/sse/heartbeat'
import { registerSseFaults } from '@/shared/server/faults/sse-faults'
import { createSseStream, type SseSink } from '@/shared/server/sse/sse-stream'
import type { MarketTick } from './market.ts'
import { ResumeBuffer } from './resume-buffer.ts'
import type { Listing } from './symbols.ts'

/** One entry of a feed that numbers its ticks itself (the cluster's tick log). */
export type FeedEntry =
  | { id: number; tick: MarketTick }
  /**
   * The sequence starts again after `id`: the log was lost (Redis restarted empty) and a new
   * leader carries on with ids and `seq` jumped forward, past anything issued before. What came
   * before cannot be resumed; the next ticks follow from the quotes now in the `QuoteSource`.
   */
  | { id: number; restart: true }

/** Where a hub hands the ticks of its feed. */
export interface TickTarget {
  /** Ticks this process numbers: the hub stamps each with the next id of its own sequence. */
  publish(ticks: MarketTick[]): void
  /** Entries that already carry their id (numbered cluster-wide), oldest first. */
  ingest(entries: readonly FeedEntry[]): void
}

/**
 * Where a hub's ticks come from: the market of this process (one process, see `marketFeed`) or
 * the cluster's tick log in Redis (`createTickLog`). The hub starts it once, on creation.
 */
export interface TickFeed {
  start(target: TickTarget): void
}

/** The latest tick of each symbol as this process knows it: what snapshots are made of. */
export interface QuoteSource {
  quote(symbol: string): MarketTick | undefined
}

export interface TickerHubOptions {
  feed: TickFeed
  quotes: QuoteSource
  /** A stream opened or closed here (cluster mode keeps a registry of which instance holds which). */
  onConnectionOpen?: (connectionId: string) => void
  onConnectionClose?: (connectionId: string) => void
  listings: readonly Listing[]
  heartbeat: Heartbeat
  /** How many ticks the resume buffer keeps. */
  bufferSize: number
  /**
   * How far behind the head a reconnect may be and still get its ticks replayed; further back is
   * a reset (a fresh snapshot), so one request cannot make the hub send the whole buffer.
   */
  maxReplay?: number
  /** The `retry:` hint sent to every stream. */
  retryMs: number
  slowConsumerMs: number
  /** Points kept per symbol for charts that open mid-session. */
  historySize?: number
}

export interface OpenStreamOptions {
  symbols: string[]
  /** Decimal id from `Last-Event-ID` or `?lastEventId=`. */
  lastEventId?: string
  signal: AbortSignal
  /** The user who opens it: only they may change its subscription or break it ("Break it"). */
  owner: string
}

export interface TickerHub {
  listings(): SymbolInfo[]
  has(symbol: string): boolean
  /** Starts one SSE stream: hello, then the missed ticks or a snapshot, then live ticks. */
  openStream(options: OpenStreamOptions): Response
  /**
   * Changes what an open stream receives. `undefined`: no such connection (it closed, or never
   * was), or it is another user's, which must look the same.
   */
  changeSubscription(
    connectionId: string,
    owner: string,
    add: string[],
    remove: string[],
  ): string[] | undefined
  history(symbol: string): { ts: number; price: number }[]
  stats(): { connections: number; headId: number; oldestId: number }
  /** Tells every stream to come back later (a `retry:` hint and a `closing` event), then ends them. */
  closeAll(message: string): void
  /**
   * Stamps, encodes and delivers ticks exactly as the local market's feed does; so does the
   * benchmark route (`DUPLEX_BENCH=1`), to drive this same path at a chosen rate.
   */
  publish(ticks: MarketTick[]): void
  /**
   * Delivers ticks that already carry their id (cluster mode: ids are global, from Redis), oldest
   * first. Where the sequence breaks (a `restart` entry, or an id that does not follow the last
   * one: this instance fell behind a trimmed log) the resume buffer starts afresh and every open
   * stream gets a `snapshot` with `reset: true`, so neither a replay nor a live stream can skip
   * ticks silently.
   */
  ingest(entries: readonly FeedEntry[]): void
  /** Ids of the streams open on this hub. */
  connectionIds(): string[]
  /**
   * Resolves once no stream is behind. A caller that must not have its ticks coalesced (the
   * benchmark's "as fast as the reader drains" run) waits on it between ticks.
   */
  drained(): Promise<void>
}

interface BufferedTick {
  symbol: string
  frame: Uint8Array
}

interface Subscriber {
  connectionId: string
  owner: string
  symbols: Set<string>
  sink: SseSink
  /** Latest frame per symbol while the client is behind: a slow reader gets fresh prices, not a backlog. */
  pending: Map<string, Uint8Array>
}

const encoder = new TextEncoder()

function frameOf<K extends TickerEventName>(
  event: K,
  data: TickerEventData<K>,
  id?: number,
): Uint8Array {
  return encoder.encode(encodeSseJson(event, data, id))
}

/**
 * The market's one distribution point in this process, whatever feeds it. Every tick carries the
 * next id of one sequence (the hub's own, or the cluster's), is encoded ONCE, kept in the resume buffer and written as the same
 * bytes to each stream that follows its symbol. Streams are subscribers; the market runs
 * whether or not anyone listens, so ids and replays stay meaningful.
 */
export function createTickerHub(options: TickerHubOptions): TickerHub {
  let buffer = new ResumeBuffer<BufferedTick>(options.bufferSize)
  const historySize = options.historySize ?? 300
  const history = new Map<string, { ts: number; price: number }[]>()
  const bySymbol = new Map<string, Set<Subscriber>>()
  const byConnection = new Map<string, Subscriber>()
  let drainWaiters: (() => void)[] = []
  let lastId = 0
  const maxReplay = options.maxReplay ?? options.bufferSize

  for (const listing of options.listings) {
    bySymbol.set(listing.symbol, new Set())
    history.set(listing.symbol, [])
  }

  const flush = (sub: Subscriber) => {
    for (const [symbol, frame] of sub.pending) {
      if (sub.sink.behind()) return
      sub.pending.delete(symbol)
      sub.sink.write(frame)
    }
  }

  const deliver = (sub: Subscriber, symbol: string, frame: Uint8Array) => {
    if (sub.sink.behind()) {
      sub.pending.set(symbol, frame)
      return
    }
    if (sub.pending.size > 0) flush(sub)
    sub.sink.write(frame)
  }

  const anyBehind = () => {
    for (const sub of byConnection.values()) {
      if (sub.pending.size > 0 || sub.sink.behind()) return true
    }
    return false
  }

  const wakeDrainWaiters = () => {
    if (drainWaiters.length === 0 || anyBehind()) return
    const waiters = drainWaiters
    drainWaiters = []
    for (const resolve of waiters) resolve()
  }

  const ingest = (entries: readonly FeedEntry[]) => {
    // Where the sequence breaks, the open streams stop getting ticks one by one: once the whole
    // batch is in (the quote source has it too), each gets one snapshot that says so, under the
    // id it is current to. Their clients start over from it, as a resume would.
    let broken = false
    for (const entry of entries) {
      if ('restart' in entry) {
        if (entry.id < lastId) continue // an entry read twice
        buffer = new ResumeBuffer<BufferedTick>(options.bufferSize, entry.id)
        lastId = entry.id
        broken = true
        continue
      }
      const { id, tick } = entry
      if (id <= lastId) continue // already delivered (a feed that re-reads its last batch)
      if (id !== lastId + 1) {
        buffer = new ResumeBuffer<BufferedTick>(options.bufferSize, id - 1)
        broken = true
      }
      lastId = id
      const frame = frameOf('tick', tick, id)
      buffer.push(id, { symbol: tick.symbol, frame })
      const points = history.get(tick.symbol)
      if (points) {
        points.push({ ts: tick.ts, price: tick.price })
        if (points.length > historySize) points.splice(0, points.length - historySize)
      }
      if (broken) continue
      const subs = bySymbol.get(tick.symbol)
      if (subs) for (const sub of subs) deliver(sub, tick.symbol, frame)
    }
    if (!broken) return
    for (const sub of byConnection.values()) {
      sub.pending.clear()
      sub.sink.write(frameOf('snapshot', { reset: true, quotes: quotesOf(sub.symbols) }, lastId))
    }
  }

  const publish = (ticks: MarketTick[]) =>
    ingest(ticks.map((tick, i) => ({ id: lastId + 1 + i, tick })))

  const quotesOf = (symbols: Iterable<string>): Quote[] => {
    const quotes: Quote[] = []
    for (const symbol of symbols) {
      const quote = options.quotes.quote(symbol)
      if (quote) quotes.push(quote)
    }
    return quotes
  }

  const subscribe = (sub: Subscriber, symbols: Iterable<string>) => {
    for (const symbol of symbols) {
      sub.symbols.add(symbol)
      bySymbol.get(symbol)?.add(sub)
    }
  }

  const unsubscribe = (sub: Subscriber, symbols: Iterable<string>) => {
    for (const symbol of symbols) {
      sub.symbols.delete(symbol)
      sub.pending.delete(symbol)
      bySymbol.get(symbol)?.delete(sub)
    }
  }

  /** A `retry:` hint and a `closing` event, then the end: EventSource comes back in `retryMs`. */
  const sayGoodbye = (sub: Subscriber, message: string) => {
    sub.sink.write(encodeSseFrame({ retry: options.retryMs }))
    sub.sink.write(frameOf('closing', { reason: 'shutdown', message }))
    sub.sink.close()
  }

  options.feed.start({ publish, ingest })

  return {
    listings: () => options.listings.map(({ symbol, name, open }) => ({ symbol, name, open })),
    has: (symbol) => bySymbol.has(symbol),

    openStream({ symbols, lastEventId, signal, owner }) {
      const connectionId = randomUUID()
      const wanted = new Set(symbols)
      // Everything below runs synchronously, so no tick can slip between the replay and the
      // subscription: the replay ends at the current head and live delivery starts after it.
      const replay =
        lastEventId === undefined
          ? undefined
          : lastId - Number(lastEventId) > maxReplay
            ? ({ kind: 'reset', reason: 'too_old' } as const)
            : buffer.since(Number(lastEventId), (t) => wanted.has(t.symbol))
      const resume: TickerHello['resume'] =
        replay === undefined ? 'fresh' : replay.kind === 'replay' ? 'resumed' : 'reset'

      const sub: Subscriber = {
        connectionId,
        owner,
        symbols: new Set(),
        pending: new Map(),
        sink: undefined as unknown as SseSink,
      }
      let unregisterFaults: () => void = () => undefined
      const { sink, response, faults } = createSseStream({
        signal,
        heartbeat: options.heartbeat,
        slowConsumerMs: options.slowConsumerMs,
        onDrain: () => {
          flush(sub)
          wakeDrainWaiters()
        },
        onSlowConsumer: (s) =>
          s.write(
            frameOf('closing', {
              reason: 'slow_consumer',
              message: 'This stream fell too far behind and was closed; reconnect to resume.',
            }),
          ),
        onClose: () => {
          unregisterFaults()
          unsubscribe(sub, [...sub.symbols])
          if (byConnection.delete(connectionId)) options.onConnectionClose?.(connectionId)
          wakeDrainWaiters()
        },
      })
      sub.sink = sink

      sink.write(
        encodeSseFrame({
          retry: options.retryMs,
          event: 'hello',
          data: JSON.stringify({
            connectionId,
            symbols: [...wanted],
            resume,
            heartbeatMs: options.heartbeat.periodMs,
          } satisfies TickerHello),
        }),
      )
      if (replay?.kind === 'replay') {
        for (const { value } of replay.events) sink.write(value.frame)
      } else {
        sink.write(
          frameOf('snapshot', { reset: replay !== undefined, quotes: quotesOf(wanted) }, lastId),
        )
      }
      if (sink.closed) return response
      unregisterFaults = registerSseFaults({
        owner,
        connectionId,
        faults,
        // What SIGTERM does to every stream (see closeAll), to this one only.
        restart: () =>
          sayGoodbye(sub, 'This stream was ended as if the server restarted; reconnecting.'),
      })
      byConnection.set(connectionId, sub)
      options.onConnectionOpen?.(connectionId)
      subscribe(sub, wanted)
      return response
    },

    changeSubscription(connectionId, owner, add, remove) {
      const sub = byConnection.get(connectionId)
      if (!sub || sub.owner !== owner) return undefined
      const added = add.filter((s) => !sub.symbols.has(s))
      unsubscribe(sub, remove)
      subscribe(sub, added)
      // New symbols start from their current price; their missed history is not this stream's.
      if (added.length > 0)
        sub.sink.write(frameOf('snapshot', { reset: false, quotes: quotesOf(added) }))
      return [...sub.symbols]
    },

    history: (symbol) => [...(history.get(symbol) ?? [])],
    stats: () => ({
      connections: byConnection.size,
      headId: buffer.headId,
      oldestId: buffer.oldestId,
    }),

    publish,
    ingest,
    connectionIds: () => [...byConnection.keys()],

    drained() {
      if (!anyBehind()) return Promise.resolve()
      return new Promise<void>((resolve) => drainWaiters.push(resolve))
    },

    closeAll(message) {
      for (const sub of [...byConnection.values()]) sayGoodbye(sub, message)
    },
  }
}
