import {
  DEFAULT_SCHEMA,
  createPostgresPool,
  migrateToLatest,
  withAdvisoryLock,
} from '@duplex/cluster'
import { CamelCasePlugin, Kysely, Migrator, PostgresDialect, type Migration } from 'kysely'
import type pg from 'pg'

/**
 * The web app's PostgreSQL, in cluster mode only (single mode keeps its state in the process and
 * the data folder). What a user was promised lives here, not in Redis: a sign-out, a job they
 * started. Redis may restart empty; this does not.
 */
export interface WebDatabase {
  /** Kysely with camelCase in code and snake_case in SQL; narrow it: `db.withTables<T>()`. */
  readonly db: Kysely<unknown>
  /** The same connections, for code that speaks SQL without Kysely (`@duplex/auth`). */
  readonly pool: pg.Pool
  /** Applies the migrations not yet applied, holding a lock so instances take turns. */
  migrate(migrations: Record<string, Migration>): Promise<string[]>
  /** Closes every connection. Idempotent. */
  close(): Promise<void>
}

export interface WebDatabaseOptions {
  url: string
  schema?: string | undefined
  instanceId: string
}

/**
 * Where the web app records which of its migrations ran: its own table, not the realtime
 * server's `kysely_migration`, so each app's migrator only ever sees its own names (Kysely refuses
 * a database whose applied migrations it does not know). A migration both apps need (the
 * signed-out sessions) is written with IF NOT EXISTS and listed by both.
 */
const MIGRATION_TABLE = 'web_migration'
const MIGRATION_LOCK_TABLE = 'web_migration_lock'

export function createWebDatabase(options: WebDatabaseOptions): WebDatabase {
  const schema = options.schema ?? DEFAULT_SCHEMA
  const pool = createPostgresPool({
    url: options.url,
    schema,
    applicationName: `duplex-web:${options.instanceId}`.slice(0, 63),
  })
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
  })
  let closed: Promise<void> | undefined
  return {
    db,
    pool,
    migrate(migrations) {
      // Kysely's lock covers running the migrations, not creating its own tables and our schema
      // before that; instances of both apps starting together queue here for all of it (the
      // realtime server takes the same lock).
      return withAdvisoryLock(pool, options.url, `duplex:migrate:${schema}`, async () => {
        const migrator = new Migrator({
          db,
          provider: { getMigrations: async () => migrations },
          migrationTableName: MIGRATION_TABLE,
          migrationLockTableName: MIGRATION_LOCK_TABLE,
          migrationTableSchema: schema,
          // Each owner numbers its migrations on its own (`<owner>_0001_…`).
          allowUnorderedMigrations: true,
        })
        return migrateToLatest(migrator, schema)
      })
    },
    close() {
      closed ??= db.destroy()
      return closed
    },
  }
}
