import { randomUUID } from 'node:crypto'
import type { RedisClients } from '@/shared/server/cluster/redis'
import type { Heartbeat } from '@/shared/server/sse/heartbeat'
import type { IdBlocks } from './id-blocks.ts'
import type { Listing } from './symbols.ts'
import { createTickLog } from './tick-log.ts'
import { createTickerHub, type OpenStreamOptions } from './ticker-hub.ts'
import type { TickerService } from './ticker-streams.ts'

export interface ClusterTickerOptions {
  redis: RedisClients
  /** Where tick ids are reserved, so they never go back across a Redis restart (PostgreSQL). */
  ids: IdBlocks
  /** Ids reserved at a time; a new log after a Redis restart jumps up to this far. */
  idBlock?: number
  listings: readonly Listing[]
  seed: number
  intervalMs: number
  heartbeat: Heartbeat
  bufferSize: number
  maxReplay?: number
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

/** How long a subscription change waits for a just-opened stream's registry entry: 5 × 50 ms. */
const REGISTRY_LOOKUP_RETRIES = 5
const REGISTRY_LOOKUP_PAUSE_MS = 50
/** This instance's hub, fed from the cluster's tick log, and the cluster-wide stream registry. */
export type ClusterTicker = TickerService

/**
 * The ticker of a cluster: this instance's hub over the cluster's tick log (`createTickLog`: one
 * market for the cluster, leader election, failover, ids reserved in PostgreSQL so they never go
 * back), so `Last-Event-ID` resumes on any instance, or is told `reset: true` when it cannot.
 *
 * Streams are registered in Redis (`connectionId → instance`), so a subscription change that
 * reaches another instance is forwarded over pub/sub to the one holding the stream.
 */
export function createClusterTicker(options: ClusterTickerOptions): ClusterTicker {
  const { redis } = options
  const me = redis.instanceId
  const registryTtlMs = options.registryTtlMs ?? 120_000
  const forwardTimeoutMs = options.forwardTimeoutMs ?? 2000
  const keys = {
    connection: (id: string) => redis.key('ticker', 'connection', id),
    control: (instance: string) => redis.key('ticker', 'control', instance),
  }
  const tickLog = createTickLog(options)
  const hub = createTickerHub({
    feed: tickLog.feed,
    quotes: tickLog.quotes,
    listings: options.listings,
    heartbeat: options.heartbeat,
    bufferSize: options.bufferSize,
    maxReplay: options.maxReplay,
    retryMs: options.retryMs,
    slowConsumerMs: options.slowConsumerMs,
    onConnectionOpen: (id) =>
      void redis.command.set(keys.connection(id), me, 'PX', registryTtlMs).catch(() => {}),
    onConnectionClose: (id) => void redis.command.del(keys.connection(id)).catch(() => {}),
  })
  const { ready } = tickLog
  let stopped = false

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
    owner?: string
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
    if (!message.replyTo || !message.connectionId || message.owner === undefined) return
    const symbols = hub.changeSubscription(
      message.connectionId,
      message.owner,
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
    owner: string,
    add: string[],
    remove: string[],
  ): Promise<string[] | undefined> => {
    // A stream's hello leaves before its registry write lands (the write is not awaited on the
    // stream's path), so a page that changes its watchlist at once may ask before the entry
    // exists: look again for a moment before calling the stream unknown.
    let holder = await redis.command.get(keys.connection(connectionId))
    for (let attempt = 0; !holder && attempt < REGISTRY_LOOKUP_RETRIES; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, REGISTRY_LOOKUP_PAUSE_MS))
      holder = await redis.command.get(keys.connection(connectionId))
    }
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
      owner,
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
    isLeader: tickLog.isLeader,

    async open(streamOptions: OpenStreamOptions) {
      await ready
      // A client coming from an instance a few milliseconds ahead must not be told its id is
      // unknown: wait (briefly) until this instance has read that far.
      const last = Number(streamOptions.lastEventId)
      if (Number.isInteger(last) && last > hub.stats().headId) await tickLog.caughtUp(last, 2000)
      return hub.openStream(streamOptions)
    },

    async change(connectionId, owner, add, remove) {
      const local = hub.changeSubscription(connectionId, owner, add, remove)
      if (local) return local
      return forward(connectionId, owner, add, remove)
    },

    async stop() {
      if (stopped) return
      stopped = true
      clearInterval(registryTimer)
      await tickLog.stop()
      const ids = hub.connectionIds()
      if (ids.length > 0) {
        await redis.command.del(...ids.map((id) => keys.connection(id))).catch(() => {})
      }
    },
  }
}
