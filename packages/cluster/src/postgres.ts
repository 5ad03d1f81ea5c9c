import pg from 'pg'
import { redactUrl } from './redact-url.ts'

export interface PostgresPoolOptions {
  /** `DATABASE_URL`. */
  url: string
  /** `DATABASE_SCHEMA`: unqualified table names resolve here. Default `public`. */
  schema?: string | undefined
  /** Connections per instance (default 10; at least 2, see `migrations.ts` users). */
  max?: number
  /**
   * How long a query may wait for a connection before it fails (default 2000 ms). Without it, a
   * request during an outage waits for the operating system's TCP timeout, minutes, and the
   * client's ack timeout passes first: it must be told `unavailable` instead.
   */
  connectTimeoutMs?: number
  /** `application_name`, so `pg_stat_activity` says which app and instance a connection is. */
  applicationName?: string
}

/** PostgreSQL schema used when none is given. */
export const DEFAULT_SCHEMA = 'public'

/** pg's type id of `int8`/`bigint`: our ms timestamps and `count(*)`. */
const INT8_OID = 20

/**
 * A pg pool the way both apps use PostgreSQL: tables in `schema`, `bigint` as numbers (ms
 * timestamps and counts fit), bounded waits for a connection, and an idle connection that the
 * server closed dropped quietly instead of crashing the process.
 *
 * @example
 * const pool = createPostgresPool({ url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA })
 */
export function createPostgresPool(options: PostgresPoolOptions): pg.Pool {
  const schema = options.schema ?? DEFAULT_SCHEMA
  const pool = new pg.Pool({
    connectionString: options.url,
    max: Math.max(2, options.max ?? 10),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
    ...(options.applicationName !== undefined && { application_name: options.applicationName }),
    // Every connection resolves unqualified table names in our schema.
    options: `-c search_path=${schema}`,
    types: {
      // pg returns int8 as a string because it can exceed 2^53; ms timestamps and counts cannot.
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary'
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  })
  // An idle client whose server went away emits 'error' on the pool; unhandled, it would crash.
  pool.on('error', () => undefined)
  return pool
}

/**
 * Runs `work` while holding a session advisory lock named `key` on one connection of `pool`, so
 * instances starting together take turns (migrations). Fails with the redacted URL and the reason
 * when PostgreSQL cannot be reached.
 */
export async function withAdvisoryLock<T>(
  pool: pg.Pool,
  url: string,
  key: string,
  work: () => Promise<T>,
): Promise<T> {
  const lock = await pool.connect().catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`cannot connect to PostgreSQL at ${redactUrl(url)}: ${reason}`, {
      cause: error,
    })
  })
  try {
    await lock.query('select pg_advisory_lock(hashtext($1))', [key])
    return await work()
  } finally {
    await lock.query('select pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined)
    lock.release()
  }
}

/** What `migrator.migrateToLatest()` of Kysely needs to be; a Kysely `Migrator` fits. */
export interface LatestMigrator {
  migrateToLatest(): Promise<{
    error?: unknown
    results?: readonly { migrationName: string; status: 'Success' | 'Error' | 'NotExecuted' }[]
  }>
}

/**
 * Applies every pending migration and resolves with the names applied; fails naming the migration
 * that failed and why.
 *
 * Kysely finds its own bookkeeping tables by listing every table of the database, and a schema
 * another client drops at that moment (tests drop theirs all the time; so may an operator) fails
 * the listing with "schema … does not exist" (SQLSTATE 3F000) though nothing of ours is wrong.
 * That is tried again, twice; an error about our own schema is not.
 */
export async function migrateToLatest(migrator: LatestMigrator, schema: string): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest()
    if (error === undefined) {
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
    }
    const code = (error as { code?: unknown }).code
    const message = error instanceof Error ? error.message : String(error)
    if (attempt < 3 && code === '3F000' && !message.includes(`"${schema}"`)) continue
    const failed = results?.find((result) => result.status === 'Error')
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${message}`, {
      cause: error,
    })
  }
}
