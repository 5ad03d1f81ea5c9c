import { Redis, type RedisOptions } from 'ioredis'
import { redactUrl } from './redact-url.ts'

export interface RedisConnectionOptions {
  /** `REDIS_URL`. */
  url: string
  /** What this connection is for (`commands`, `subscriber`…): in logs and in `CLIENT LIST`. */
  role: string
  /** Which app opened it (`duplex-realtime`, `duplex-web`): the start of its connection name. */
  app: string
  /** See `createInstanceId`; the end of the connection name. */
  instanceId: string
  /** Where the outage and recovery lines go (the caller adds its own `[tag]`). */
  log: (message: string) => void
  /** Passed to ioredis as is (`maxRetriesPerRequest`, `lazyConnect`…). */
  redisOptions?: RedisOptions
}

/**
 * One ioredis connection that reports an outage in one line and its end in one more. ioredis
 * reconnects by itself and emits `error` on every failed attempt; logged as is, a Redis restart
 * fills the log with thousands of identical lines.
 *
 * @example
 * const redis = createRedisConnection({ url, role: 'commands', app: 'duplex-web', instanceId, log: console.warn })
 */
export function createRedisConnection(options: RedisConnectionOptions): Redis {
  const { role, log } = options
  const redis = new Redis(options.url, {
    connectionName: `${options.app}:${role}:${options.instanceId}`,
    ...options.redisOptions,
  })
  let down = false
  redis.on('error', (error: Error) => {
    if (down) return
    down = true
    log(`Redis ${role} connection: ${error.message} (retrying)`)
  })
  redis.on('ready', () => {
    if (down) log(`Redis ${role} connection: connected again`)
    down = false
  })
  return redis
}

/**
 * Like {@link createRedisConnection}, but resolves once connected, and fails with the reason
 * (`cannot connect to Redis at redis://…: connect ECONNREFUSED …`, password hidden) instead of
 * retrying for ever when Redis is not there at startup. Once connected, ioredis reconnects on its
 * own.
 *
 * @example
 * const redis = await connectRedis({ url, role: 'commands', app: 'duplex-realtime', instanceId, log })
 */
export async function connectRedis(options: RedisConnectionOptions): Promise<Redis> {
  const redis = createRedisConnection({
    ...options,
    redisOptions: { ...options.redisOptions, lazyConnect: true },
  })
  let lastError: Error | undefined
  const remember = (error: Error) => {
    lastError = error
  }
  redis.on('error', remember)
  try {
    await redis.connect()
  } catch (error) {
    redis.disconnect()
    // "Connection is closed" says less than the socket error that caused it.
    const cause = lastError ?? error
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new Error(`cannot connect to Redis at ${redactUrl(options.url)}: ${reason}`, {
      cause: error,
    })
  } finally {
    redis.off('error', remember)
  }
  return redis
}
