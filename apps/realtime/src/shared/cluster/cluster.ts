import { DEFAULT_KEY_PREFIX, connectRedis, createInstanceId } from '@duplex/cluster'
import type { Redis } from 'ioredis'
import type { Logger } from '../log.ts'
import { createInstanceRegistry, type InstanceRegistry } from './instances.ts'

/** Cluster mode: set by `DATABASE_URL` + `REDIS_URL` (see `src/shared/env.ts`). */
export interface ClusterOptions {
  /** `DATABASE_URL`: PostgreSQL shared by every instance. */
  databaseUrl: string
  /** `DATABASE_SCHEMA`; `public` when undefined. */
  databaseSchema?: string | undefined
  /** `REDIS_URL`: Socket.IO adapter, presence, rate limits and the Yjs relay. */
  redisUrl: string
  /** `REDIS_KEY_PREFIX`; `duplex:` when undefined. */
  keyPrefix?: string | undefined
  /** `CLUSTER_INSTANCE_TIMEOUT_MS`: a silent instance is dead after this long; 10 s when undefined. */
  instanceTimeoutMs?: number | undefined
}

const DEFAULT_INSTANCE_TIMEOUT_MS = 10_000

/** The Redis side of one instance in cluster mode. */
export interface ClusterNode {
  /** Unique per process start: `<host>:<pid>:<random>`. */
  instanceId: string
  keyPrefix: string
  /** Commands, publishing, and the Socket.IO adapter (which opens its own reading connections). */
  redis: Redis
  /** Subscriptions only (the Yjs relay). */
  subscriber: Redis
  instances: InstanceRegistry
  /** Stops the heartbeat and closes both connections, after pending commands have been sent. */
  close(): Promise<void>
}

/**
 * Connects to Redis for one realtime instance and registers it among the live instances. Fails
 * with the server's own message when Redis cannot be reached, rather than retrying for ever at
 * startup; once connected, ioredis reconnects on its own (and says so once per outage).
 *
 * @example
 * const node = await connectCluster({ databaseUrl, redisUrl }, console)
 * await node.instances.start()
 */
export async function connectCluster(options: ClusterOptions, log: Logger): Promise<ClusterNode> {
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX
  const instanceId = createInstanceId()
  const connect = (role: string) =>
    connectRedis({
      url: options.redisUrl,
      role,
      app: 'duplex-realtime',
      instanceId,
      log: (message) => log.warn(`[cluster] ${message}`),
      // While Redis is away, ioredis keeps commands in its offline queue and, by default, only
      // gives up on one after 20 reconnect attempts (about 10 s): every chat request behind a
      // rate-limit check or a presence write waited that long. With 0, a command issued during
      // an outage fails at the next failed reconnect attempt (at most ~2 s, ioredis' retry delay
      // ceiling) and its caller falls back (see `isStoreUnavailable`). The offline queue itself
      // stays on: the Socket.IO adapter's reading connection (a duplicate of this one) would
      // otherwise spin on XREAD errors while Redis is down.
      redisOptions: { maxRetriesPerRequest: 0 },
    })
  const redis = await connect('commands')
  let subscriber: Redis
  try {
    subscriber = await connect('subscriber')
  } catch (error) {
    redis.disconnect()
    throw error
  }
  const instances = createInstanceRegistry({
    redis,
    keyPrefix,
    id: instanceId,
    timeoutMs: options.instanceTimeoutMs ?? DEFAULT_INSTANCE_TIMEOUT_MS,
    log,
  })
  let closed: Promise<void> | undefined
  return {
    instanceId,
    keyPrefix,
    redis,
    subscriber,
    instances,
    close() {
      closed ??= (async () => {
        await instances.stop()
        // QUIT is answered after every command sent before it, so nothing queued is dropped.
        await Promise.allSettled([redis.quit(), subscriber.quit()])
      })()
      return closed
    },
  }
}
