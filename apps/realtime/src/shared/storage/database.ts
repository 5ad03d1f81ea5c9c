import {
  DEFAULT_SCHEMA,
  createPostgresPool,
  migrateToLatest,
  withAdvisoryLock,
} from '@duplex/cluster'
import SQLite from 'better-sqlite3'
import {
  CamelCasePlugin,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type Migration,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely'
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs'
import path from 'node:path'

/** SQL dialects the migrations know how to spell column types for. */
export type StorageDialect = 'sqlite' | 'postgres'

/** Every migration to run against one database, by name (see `collectMigrations`). */
export type MigrationsOf = (dialect: StorageDialect) => Record<string, Migration>

export type DatabaseOptions =
  | {
      kind: 'sqlite'
      /** The database file; its folder is created if needed. */
      file: string
    }
  | {
      kind: 'postgres'
      /** `DATABASE_URL`, e.g. `postgres://postgres@127.0.0.1:5432/duplex`. */
      url: string
      /** `DATABASE_SCHEMA`: where the tables live; created by the first migration. Default `public`. */
      schema?: string | undefined
      /** Pool size per instance (default 10). */
      maxConnections?: number
    }

/** One open database, shared by every feature; each sees it through its own table types. */
export interface Database {
  /**
   * Kysely over SQLite or PostgreSQL, with camelCase names in code and snake_case in SQL. A
   * feature narrows it to its own tables: `db.withTables<ItsTables>()`.
   */
  readonly db: Kysely<unknown>
  readonly dialect: StorageDialect
  /** Closes the database. Idempotent. */
  close(): Promise<void>
}

/** PostgreSQL schema used when none is given. */
export { DEFAULT_SCHEMA }

/** File name of the SQLite database inside the data folder. */
export const SQLITE_FILE = 'duplex.sqlite'

/**
 * Opens the database and, given `migrations`, migrates it to the latest schema first. Everything
 * above this file speaks Kysely, so SQLite (single mode) and PostgreSQL (cluster mode) are two
 * `kind`s here and no feature's queries change. Without `migrations` the database is opened as it
 * is (tests that look at what a server stored).
 *
 * @example
 * const database = await openDatabase({ kind: 'sqlite', file: path.join(dataDir, SQLITE_FILE) }, migrations)
 * const repository = createItsRepository(database.db.withTables<ItsTables>())
 */
export async function openDatabase(
  options: DatabaseOptions,
  migrations?: MigrationsOf,
): Promise<Database> {
  const opened = connect(options)
  try {
    if (migrations) await opened.migrate(migrations)
  } catch (error) {
    await opened.db.destroy()
    throw error
  }
  let closed: Promise<void> | undefined
  return {
    db: opened.db,
    dialect: opened.dialect,
    close() {
      closed ??= opened.db.destroy()
      return closed
    },
  }
}

/**
 * Applies pending migrations and closes the database again (`pnpm db:migrate`). Resolves with the
 * names of the migrations it applied, empty when the schema was up to date.
 */
export async function migrateDatabase(
  options: DatabaseOptions,
  migrations: MigrationsOf,
): Promise<string[]> {
  const opened = connect(options)
  try {
    return await opened.migrate(migrations)
  } finally {
    await opened.db.destroy()
  }
}

interface Connection {
  db: Kysely<unknown>
  dialect: StorageDialect
  migrate(migrations: MigrationsOf): Promise<string[]>
}

function connect(options: DatabaseOptions): Connection {
  if (options.kind === 'postgres') return connectPostgres(options)
  // Messages and documents are nobody else's business on a shared machine: the folder (when we
  // create it) and the file are the owner's only. SQLite gives the -wal and -shm files the
  // database file's mode, so they follow.
  mkdirSync(path.dirname(options.file), { recursive: true, mode: 0o700 })
  closeSync(openSync(options.file, 'a', 0o600))
  chmodSync(options.file, 0o600)
  const sqlite = new SQLite(options.file)
  // WAL lets readers go on while a writer commits; NORMAL is durable across process crashes in WAL.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  const db = new Kysely<unknown>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    plugins: [new CamelCasePlugin()],
  })
  return {
    db,
    dialect: 'sqlite',
    migrate: (migrations) => migrateToLatest(createMigrator(db, migrations('sqlite')), 'main'),
  }
}

/** Distinct SQL texts kept prepared; the app issues a few dozen, migrations a few more. */
const STATEMENT_CACHE_SIZE = 256

/**
 * Kysely's SQLite driver prepares every query it runs, and better-sqlite3's `prepare` parses and
 * plans the SQL each time: profiled under the chat benchmark, that was about a sixth of the
 * server's CPU per message. Kysely compiles the same query shape to the same SQL text (values are
 * parameters), so statements are kept by text, least recently used dropped first. Reusing one is
 * safe because the driver runs one query at a time and our queries never stream (`iterate`).
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>()
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let statement = statements.get(sql)
      if (statement) {
        statements.delete(sql) // re-inserted below: Map order is recency
      } else {
        statement = sqlite.prepare(sql)
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          statements.delete(statements.keys().next().value as string)
        }
      }
      statements.set(sql, statement)
      return statement
    },
  }
}

/**
 * How long a query may wait to get a PostgreSQL connection before it fails as unavailable: below
 * a client's ack timeout (the chat page waits 10 s), above a busy pool's ordinary wait.
 */
export const POSTGRES_CONNECT_TIMEOUT_MS = 3000

function connectPostgres(options: Extract<DatabaseOptions, { kind: 'postgres' }>): Connection {
  const schema = options.schema ?? DEFAULT_SCHEMA
  // The recipe both apps share (`createPostgresPool`): our schema on every connection, bigint as
  // numbers, and a bounded wait for a connection, so that with PostgreSQL unreachable behind a
  // silent network a query fails ("timeout exceeded when trying to connect") and its caller
  // answers `unavailable` (see `isStoreUnavailable`) instead of hanging. At least two
  // connections: migrate() holds its lock on one while the migrator uses another.
  const pool = createPostgresPool({
    url: options.url,
    schema,
    max: options.maxConnections,
    connectTimeoutMs: POSTGRES_CONNECT_TIMEOUT_MS,
  })
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
  })
  return {
    db,
    dialect: 'postgres',
    async migrate(migrations) {
      // Kysely looks its tables up in every schema unless told which one is ours.
      const migrator = createMigrator(db, migrations('postgres'), schema)
      // Kysely's own advisory lock only covers running the migrations, not creating its tables
      // and our schema before that; instances starting together queue here for the whole of it.
      // The web app takes the same lock for its own migrations (some tables both apps create).
      return withAdvisoryLock(pool, options.url, `duplex:migrate:${schema}`, () =>
        migrateToLatest(migrator, schema),
      )
    },
  }
}

function createMigrator(
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
  migrationTableSchema?: string,
): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Each feature's migrations are numbered on their own (`<feature>_0001_…`), so a
    // feature added later sorts before ones that already ran; that is expected, not an error.
    allowUnorderedMigrations: true,
    ...(migrationTableSchema !== undefined && { migrationTableSchema }),
  })
}
