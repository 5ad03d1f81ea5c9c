import { createInstanceId, createRedisConnection, redisProbe, type Probe } from '@duplex/cluster'
import type { Redis, RedisOptions } from 'ioredis'

export interface RedisClientsOptions {
  url: string
  /** Start of every key and channel (`REDIS_KEY_PREFIX`); the web app adds `web:`. */
  prefix: string
  /** Names this process in the cluster (leases, connection registry). Default: host, pid, random. */
  instanceId?: string
  log?: (message: string) => void
}

/** The Redis connections one web instance needs, and the names of its keys. */
export interface RedisClients {
  /** Commands and scripts. */
  command: Redis
  /**
   * The one subscriber connection, for code outside the web app that takes an ioredis subscriber
   * and listens to its own channel only (the signed-out sessions of @duplex/auth). Everything
   * else subscribes with {@link RedisClients.subscribe}.
   */
  subscriber: Redis
  /** Listens on `channel`; the one subscriber connection is shared. Returns the unsubscribe function. */
  subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>>
  /** Called after the subscriber connection came back: messages sent meanwhile are lost, resync. */
  onResubscribed(listener: () => void): () => void
  /** A connection of its own for a blocking read (XREAD BLOCK ties up the connection it runs on). */
  blocking(): Redis
  /** `<prefix>web:<parts joined by ':'>`. */
  key(...parts: string[]): string
  readonly instanceId: string
  /** Readiness: up while the command and subscriber connections are ready (no round trip). */
  readonly probe: Probe
  /** Closes every connection. Idempotent. */
  close(): Promise<void>
}

/**
 * Opens the command and subscriber connections. ioredis reconnects on its own; errors are logged
 * at most once per connection until it is ready again, so an outage is one line, not thousands.
 */
export function createRedisClients(options: RedisClientsOptions): RedisClients {
  const log = options.log ?? ((message: string) => console.warn(`[web] ${message}`))
  const instanceId = options.instanceId ?? createInstanceId()
  const opened: { role: string; redis: Redis }[] = []

  const open = (role: string, extra: RedisOptions = {}) => {
    // An outage is one line and its end one more (ioredis retries, and reports every attempt).
    const redis = createRedisConnection({
      url: options.url,
      role,
      app: 'duplex-web',
      instanceId,
      log,
      redisOptions: extra,
    })
    opened.push({ role, redis })
    return redis
  }

  const command = open('command')
  const subscriber = open('subscriber')
  const handlers = new Map<string, Set<(message: string) => void>>()
  const resubscribed = new Set<() => void>()
  let readyOnce = false
  subscriber.on('message', (channel: string, message: string) => {
    for (const handler of handlers.get(channel) ?? []) handler(message)
  })
  subscriber.on('ready', () => {
    // ioredis resubscribes by itself; what was published while it was away is gone.
    if (readyOnce) for (const listener of resubscribed) listener()
    readyOnce = true
  })

  let closing: Promise<void> | undefined
  return {
    command,
    subscriber,
    async subscribe(channel, handler) {
      let set = handlers.get(channel)
      if (!set) {
        handlers.set(channel, (set = new Set()))
        await subscriber.subscribe(channel)
      }
      set.add(handler)
      return async () => {
        const current = handlers.get(channel)
        current?.delete(handler)
        if (current?.size === 0) {
          handlers.delete(channel)
          if (subscriber.status === 'ready') await subscriber.unsubscribe(channel).catch(() => {})
        }
      }
    },
    onResubscribed(listener) {
      resubscribed.add(listener)
      return () => resubscribed.delete(listener)
    },
    blocking: () => open('blocking', { maxRetriesPerRequest: null }),
    key: (...parts) => `${options.prefix}web:${parts.join(':')}`,
    instanceId,
    probe: redisProbe(command, subscriber),
    close() {
      closing ??= Promise.all(
        opened.map(async ({ role, redis }) => {
          if (redis.status === 'end') return
          // QUIT lets pending replies arrive. A connection that is down cannot quit, and one in
          // XREAD BLOCK would answer QUIT only when the block ends: both are dropped instead.
          if (redis.status === 'ready' && role !== 'blocking') {
            await redis.quit().catch(() => redis.disconnect())
          } else redis.disconnect()
        }),
      ).then(() => undefined)
      return closing
    },
  }
}
