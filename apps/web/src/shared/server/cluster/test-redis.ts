import { randomBytes } from 'node:crypto'
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { Redis } from 'ioredis'
import { createRedisClients, type RedisClients } from './redis.ts'

// Only for tests: the real Redis of cluster mode, one key prefix per test, removed afterwards.

/* eslint-disable no-restricted-properties -- test-only overrides, not app configuration */
/** `TEST_REDIS_URL` overrides; the same variable the realtime server's tests read. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const REQUIRE = process.env.DUPLEX_REQUIRE_SERVICES === '1'
/* eslint-enable no-restricted-properties */

let probed: Promise<string | undefined> | undefined

/**
 * `undefined` when Redis answers, else why not. Tests skip with that reason; with
 * `DUPLEX_REQUIRE_SERVICES=1` (meant for CI) they fail instead.
 */
export function redisUnavailable(): Promise<string | undefined> {
  probed ??= (async () => {
    const redis = new Redis(TEST_REDIS_URL, {
      lazyConnect: true,
      connectTimeout: 2000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    })
    redis.on('error', () => {})
    try {
      await redis.connect()
      await redis.ping()
      return undefined
    } catch (error) {
      const reason = `Redis at ${TEST_REDIS_URL}: ${(error as Error).message || 'unreachable'} (start it with \`docker compose up -d redis\`, or set TEST_REDIS_URL)`
      if (REQUIRE) throw new Error(`DUPLEX_REQUIRE_SERVICES=1 but ${reason}`)
      console.warn(`[test] skipping the Redis-backed cluster tests: ${reason}`)
      return reason
    } finally {
      redis.disconnect()
    }
  })()
  return probed
}

export interface TestCluster {
  prefix: string
  /** One more "instance": its own connections and instance id, same prefix. */
  instance(name: string): RedisClients
  /** Closes every instance's connections and deletes every key under the prefix. */
  cleanup(): Promise<void>
}

export function createTestCluster(): TestCluster {
  const prefix = `duplex-test:${Date.now().toString(36)}_${randomBytes(4).toString('hex')}:`
  const instances: RedisClients[] = []
  return {
    prefix,
    instance(name) {
      const clients = createRedisClients({
        url: TEST_REDIS_URL,
        prefix,
        instanceId: `${name}-${randomBytes(2).toString('hex')}`,
        log: () => {},
      })
      instances.push(clients)
      return clients
    },
    async cleanup() {
      await Promise.all(instances.map((i) => i.close()))
      const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 })
      try {
        let cursor = '0'
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
          cursor = next
          if (keys.length > 0) await redis.del(...keys)
        } while (cursor !== '0')
      } finally {
        redis.disconnect()
      }
    },
  }
}

/** Reads an SSE response with eventsource-parser, the way a real client would. */
export function readSse(response: Response) {
  const events: EventSourceMessage[] = []
  const retries: number[] = []
  let ended = false
  const parser = createParser({
    onEvent: (e) => events.push(e),
    onRetry: (r) => retries.push(r),
  })
  const body = response.body
  if (!body) throw new Error('no body')
  const stream = body.getReader()
  const decoder = new TextDecoder()
  void (async () => {
    for (;;) {
      const { value, done } = await stream.read()
      if (done) break
      parser.feed(decoder.decode(value, { stream: true }))
    }
  })()
    .catch(() => {})
    .finally(() => {
      ended = true
    })
  return {
    events,
    retries,
    ended: () => ended,
    named: (name: string) => events.filter((e) => e.event === name),
  }
}

/** Polls `predicate` every 10 ms until it holds, or throws after `timeoutMs` naming `what`. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
