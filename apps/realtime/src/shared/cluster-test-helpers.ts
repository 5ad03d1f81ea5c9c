import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import pg from 'pg'

// Shared by the tests that need the real PostgreSQL and Redis of cluster mode. Each test gets its
// own schema and its own Redis key prefix, and removes them afterwards, so runs never see each
// other (or a developer's own data in the same database).

/** Where the tests look for the services; `TEST_DATABASE_URL` / `TEST_REDIS_URL` override. */
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export type ClusterServices =
  | { ok: true; databaseUrl: string; redisUrl: string }
  | { ok: false; databaseUrl: string; redisUrl: string; reason: string }

let probed: Promise<ClusterServices> | undefined

/**
 * Whether PostgreSQL and Redis answer. Tests that need them skip when they do not, and say why
 * once; with `DUPLEX_REQUIRE_SERVICES=1` (meant for CI) an unreachable service fails instead.
 *
 * @example
 * const services = await clusterServices()
 * it('…', async (context) => { if (!services.ok) return context.skip() })
 */
export function clusterServices(): Promise<ClusterServices> {
  probed ??= probe()
  return probed
}

async function probe(): Promise<ClusterServices> {
  const problems: string[] = []
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000 })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('select 1')
  } catch (error) {
    problems.push(`PostgreSQL at ${DATABASE_URL}: ${message(error)}`)
  } finally {
    await client.end().catch(() => undefined)
  }
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  })
  // "Connection is closed" says less than the socket error behind it.
  let socketError: unknown
  redis.on('error', (error) => {
    socketError = error
  })
  try {
    await redis.connect()
    await redis.ping()
  } catch (error) {
    problems.push(`Redis at ${REDIS_URL}: ${message(socketError ?? error)}`)
  } finally {
    redis.disconnect()
  }
  if (problems.length === 0) return { ok: true, databaseUrl: DATABASE_URL, redisUrl: REDIS_URL }
  const reason = `${problems.join('; ')} (start them with \`docker compose up -d\`, or set TEST_DATABASE_URL / TEST_REDIS_URL)`
  if (process.env.DUPLEX_REQUIRE_SERVICES === '1') {
    throw new Error(`DUPLEX_REQUIRE_SERVICES=1 but ${reason}`)
  }
  console.warn(`[test] skipping the cluster-mode tests: ${reason}`)
  return { ok: false, databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, reason }
}

function message(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return message(error.errors[0])
  return error instanceof Error ? error.message || error.name : String(error)
}

/** A short random suffix for names that must not collide between test runs. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
}

export interface TestSchema {
  name: string
  /** Drops the schema and everything in it. */
  drop(): Promise<void>
}

/** A fresh, empty schema name; the server creates the schema itself when it migrates. */
export async function createTestSchema(databaseUrl: string): Promise<TestSchema> {
  const name = `duplex_test_${uniqueSuffix()}`
  return {
    name,
    async drop() {
      const client = new pg.Client({ connectionString: databaseUrl })
      await client.connect()
      try {
        await client.query(`drop schema if exists ${name} cascade`)
      } finally {
        await client.end()
      }
    },
  }
}

export interface TestRedisPrefix {
  prefix: string
  /** Deletes every key under the prefix. */
  clean(): Promise<void>
}

export function createTestRedisPrefix(redisUrl: string): TestRedisPrefix {
  const prefix = `duplex-test:${uniqueSuffix()}:`
  return {
    prefix,
    async clean() {
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
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
