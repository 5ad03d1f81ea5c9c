import type { Redis } from 'ioredis'

/** One stretch of time a Redis connection was not ready, in ms since the epoch. */
export interface RedisOutage {
  /** When the connection was first seen closed. */
  since: number
  /** When it was ready again. */
  until: number
}

export interface OutageHandlers {
  /** The connection closed after having been ready; ioredis is reconnecting. */
  onDown?(since: number): void
  /** Ready again after an outage that began at `since`. */
  onRecovered?(outage: RedisOutage): void
}

/**
 * Follows the ups and downs of one ioredis connection: what was sent through Redis while it was
 * away (a broadcast, a presence entry) is lost, and whoever depends on it catches up in
 * `onRecovered`. A connection that never was ready yet (still connecting at start) is not in an
 * outage. Returns the function that stops watching.
 *
 * @example
 * watchRedisOutages(redis, { onRecovered: ({ since }) => replayMessagesSince(since) })
 */
export function watchRedisOutages(redis: Redis, handlers: OutageHandlers): () => void {
  let wasReady = redis.status === 'ready'
  let downSince: number | undefined
  const onClose = () => {
    if (!wasReady || downSince !== undefined) return
    downSince = Date.now()
    handlers.onDown?.(downSince)
  }
  const onReady = () => {
    wasReady = true
    if (downSince === undefined) return
    const outage = { since: downSince, until: Date.now() }
    downSince = undefined
    handlers.onRecovered?.(outage)
  }
  redis.on('close', onClose)
  redis.on('ready', onReady)
  return () => {
    redis.off('close', onClose)
    redis.off('ready', onReady)
  }
}
