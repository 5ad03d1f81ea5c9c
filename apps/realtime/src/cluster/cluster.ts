import { Redis } from 'ioredis'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Logger } from '../log.ts'
import { redactUrl } from '../redact-url.ts'
import { createInstanceRegistry, type InstanceRegistry } from './instances.ts'

/** Cluster mode: set by `DATABASE_URL` + `REDIS_URL` (see `src/env.ts`). */
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

export const DEFAULT_KEY_PREFIX = 'duplex:'
export const DEFAULT_INSTANCE_TIMEOUT_MS = 10_000

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
 * startup; once connected, ioredis reconnects on its own.
 *
 * @example
 * const node = await connectCluster({ databaseUrl, redisUrl }, console)
 * await node.instances.start()
 */
export async function connectCluster(options: ClusterOptions, log: Logger): Promise<ClusterNode> {
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX
  const instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  const connect = async (role: string) => {
    const client = new Redis(options.redisUrl, {
      lazyConnect: true,
      connectionName: `duplex-realtime:${role}:${instanceId}`,
    })
    let reported = false
    let lastError: Error | undefined
    client.on('error', (error: Error) => {
      lastError = error
      // ioredis retries by itself; say so once per outage rather than on every attempt.
      if (reported) return
      reported = true
      log.warn(`[cluster] Redis ${role} connection: ${error.message} (retrying)`)
    })
    client.on('ready', () => {
      reported = false
    })
    try {
      await client.connect()
    } catch (error) {
      client.disconnect()
      // "Connection is closed" says less than the socket error that caused it.
      const cause = lastError ?? error
      const reason = cause instanceof Error ? cause.message : String(cause)
      throw new Error(`cannot connect to Redis at ${redactUrl(options.redisUrl)}: ${reason}`, {
        cause: error,
      })
    }
    return client
  }
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
