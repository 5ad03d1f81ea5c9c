import { Redis } from 'ioredis'
import pg from 'pg'
import { freshPrefix, freshSchema } from './names.ts'

// The real PostgreSQL and Redis of cluster mode, for tests: probes that answer quickly when a
// service is down, and names (a schema, a key prefix) that no other run uses, removed afterwards.

/** Where tests find PostgreSQL: `TEST_DATABASE_URL`, else the machine's own `test` database. */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
/** Where tests find Redis: `TEST_REDIS_URL`, else the machine's own. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export interface ProbeOptions {
  /** How long a connection attempt may take. Defaults to 2000 ms. */
  timeoutMs?: number
}

/** Why PostgreSQL at `url` does not answer `select 1`, or undefined when it does. */
export async function whyPostgresUnreachable(
  url: string,
  options: ProbeOptions = {},
): Promise<string | undefined> {
  const timeoutMs = options.timeoutMs ?? 2000
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs })
  client.on('error', () => {})
  try {
    await withinMs(timeoutMs, async () => {
      await client.connect()
      await client.query('select 1')
    })
    return undefined
  } catch (error) {
    return `PostgreSQL at ${url}: ${describeError(error)}`
  } finally {
    // Ending a client that never finished its handshake can wait forever; do not wait for it.
    void client.end().catch(() => {})
  }
}

/** Why Redis at `url` does not answer `PING`, or undefined when it does. */
export async function whyRedisUnreachable(
  url: string,
  options: ProbeOptions = {},
): Promise<string | undefined> {
  const timeoutMs = options.timeoutMs ?? 2000
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  })
  // "Connection is closed" says less than the socket error behind it.
  let socketError: unknown
  redis.on('error', (error) => {
    socketError = error
  })
  try {
    await withinMs(timeoutMs, async () => {
      await redis.connect()
      await redis.ping()
    })
    return undefined
  } catch (error) {
    return `Redis at ${url}: ${describeError(socketError ?? error)}`
  } finally {
    redis.disconnect()
  }
}

export async function isPostgresReachable(url: string, options?: ProbeOptions): Promise<boolean> {
  return (await whyPostgresUnreachable(url, options)) === undefined
}

export async function isRedisReachable(url: string, options?: ProbeOptions): Promise<boolean> {
  return (await whyRedisUnreachable(url, options)) === undefined
}

export type TestServices = { databaseUrl: string; redisUrl: string } & (
  { ok: true; reason?: undefined } | { ok: false; reason: string }
)

export interface TestServicesOptions {
  /** Probe PostgreSQL. Defaults to true. */
  postgres?: boolean
  /** Probe Redis. Defaults to true. */
  redis?: boolean
}

const probes = new Map<string, Promise<TestServices>>()

/**
 * Whether the services a suite needs answer at {@link TEST_DATABASE_URL} / {@link TEST_REDIS_URL},
 * probed once per process. Tests skip when they do not, and the reason is printed once; with
 * `DUPLEX_REQUIRE_SERVICES=1` (meant for CI) an unreachable service fails instead.
 *
 * @example
 * const services = await testServices()
 * it('…', async (context) => { if (!services.ok) return context.skip() })
 * const redisOnly = await testServices({ postgres: false })
 */
export function testServices(options: TestServicesOptions = {}): Promise<TestServices> {
  const { postgres = true, redis = true } = options
  const key = `${postgres}:${redis}`
  let probe = probes.get(key)
  if (!probe) {
    probe = (async (): Promise<TestServices> => {
      const urls = { databaseUrl: TEST_DATABASE_URL, redisUrl: TEST_REDIS_URL }
      const problems = (
        await Promise.all([
          postgres ? whyPostgresUnreachable(TEST_DATABASE_URL) : undefined,
          redis ? whyRedisUnreachable(TEST_REDIS_URL) : undefined,
        ])
      ).filter((problem) => problem !== undefined)
      if (problems.length === 0) return { ok: true, ...urls }
      const names = [postgres && 'TEST_DATABASE_URL', redis && 'TEST_REDIS_URL'].filter(Boolean)
      const reason = `${problems.join('; ')} (start ${problems.length > 1 ? 'them' : 'it'} with \`docker compose up -d\`, or set ${names.join(' / ')})`
      if (process.env.DUPLEX_REQUIRE_SERVICES === '1') {
        throw new Error(`DUPLEX_REQUIRE_SERVICES=1 but ${reason}`)
      }
      console.warn(`[test] skipping the tests that need them: ${reason}`)
      return { ok: false, reason, ...urls }
    })()
    probes.set(key, probe)
  }
  return probe
}

/** Drops `schema` and everything in it; nothing happens when it does not exist. */
export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    await client.query(`drop schema if exists ${quoteIdentifier(schema)} cascade`)
  } finally {
    await client.end().catch(() => {})
  }
}

/** Deletes every key that starts with `prefix` (found with SCAN, never KEYS); returns how many. */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  if (prefix === '') throw new Error('refusing to delete every key: the prefix is empty')
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
  redis.on('error', () => {})
  let deleted = 0
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500)
      cursor = next
      if (keys.length > 0) deleted += await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
  return deleted
}

export interface TestSchema {
  name: string
  /** Drops the schema and everything in it. */
  drop(): Promise<void>
}

/** A fresh schema name on `databaseUrl` and how to drop it afterwards. */
export function createTestSchema(databaseUrl: string, label?: string): TestSchema {
  const name = freshSchema(label)
  return { name, drop: () => dropSchema(databaseUrl, name) }
}

export interface TestRedisPrefix {
  prefix: string
  /** Deletes every key under the prefix. */
  clean(): Promise<void>
}

/** A fresh key prefix on `redisUrl` and how to delete its keys afterwards. */
export function createTestRedisPrefix(redisUrl: string, label?: string): TestRedisPrefix {
  const prefix = freshPrefix(label)
  return {
    prefix,
    clean: async () => {
      await deleteRedisKeys(redisUrl, prefix)
    },
  }
}

/** The innermost useful message: pg and net report a refused dual-stack connect as AggregateError. */
function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0)
    return describeError(error.errors[0])
  return error instanceof Error ? error.message || error.name : String(error)
}

/**
 * Runs `work`, failing after `ms`: a port that accepts connections but never answers would
 * otherwise keep a client's handshake (and the probe) waiting forever.
 */
async function withinMs(ms: number, work: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  try {
    await Promise.race([work(), timeout])
  } finally {
    clearTimeout(timer)
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** Escapes the characters SCAN's MATCH treats as a pattern. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&')
}
