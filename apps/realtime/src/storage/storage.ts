import type { ChatMessage, MessageId, ReadReceipt, RoomId } from '@duplex/protocol/chat'
import type { DocInfo } from '@duplex/protocol/collab'
import type { SessionUser } from '@duplex/protocol/session'
import SQLite from 'better-sqlite3'
import {
  CamelCasePlugin,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type MigrationResult,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { redactUrl } from '../redact-url.ts'
import { createMigrationProvider, type StorageDialect } from './migrations.ts'
import type { Database } from './schema.ts'

/** A room as stored; who is online is not the store's business. */
export interface StoredRoom {
  id: RoomId
  createdAt: number
}

export interface NewMessage {
  roomId: RoomId
  user: SessionUser
  text: string
  clientId: string
  ts: number
}

export interface HistoryPage {
  /** Oldest first. */
  messages: ChatMessage[]
  /** Whether messages older than the first one exist. */
  hasMore: boolean
}

/** What chat needs from storage. */
export interface ChatStore {
  /** Creates the room unless it exists. */
  ensureRoom(
    roomId: RoomId,
    createdBy: string | null,
  ): Promise<{ room: StoredRoom; created: boolean }>
  listRooms(): Promise<StoredRoom[]>
  /**
   * Stores a message with a new id, or, when this user already sent `clientId` in this room,
   * returns the message stored then (`created: false`). The unique index decides, so two racing
   * retries still yield one row.
   */
  insertMessage(message: NewMessage): Promise<{ message: ChatMessage; created: boolean }>
  findMessageByClientId(
    roomId: RoomId,
    userId: string,
    clientId: string,
  ): Promise<ChatMessage | undefined>
  /** The `limit` newest messages older than `before` (or than anything, when absent). */
  listMessages(
    roomId: RoomId,
    options: { before?: MessageId | undefined; limit: number },
  ): Promise<HistoryPage>
  hasMessage(roomId: RoomId, messageId: MessageId): Promise<boolean>
  /** Moves a user's read marker forward. False when it already was at or past `messageId`. */
  markRead(receipt: ReadReceipt): Promise<boolean>
  listReads(roomId: RoomId): Promise<ReadReceipt[]>
}

/** What collaborative editing needs from storage: documents as lists of Yjs updates. */
export interface DocStore {
  /** Most recently edited first. */
  listDocs(): Promise<DocInfo[]>
  getDoc(name: string): Promise<DocInfo | undefined>
  /** Creates the document unless it exists. */
  createDoc(name: string): Promise<{ doc: DocInfo; created: boolean }>
  /** Appends one update and bumps `updatedAt`. The document must exist. */
  appendDocUpdate(name: string, update: Uint8Array): Promise<void>
  /** Every stored update of the document, in the order they were stored. */
  loadDocUpdates(name: string): Promise<Uint8Array[]>
  /**
   * Replaces the stored updates of a document by `merge(updates)`, in one transaction. Updates
   * appended while merging are left alone, so nothing written concurrently is lost.
   *
   * `include` is merged in too, even when there is nothing to compact: the state of an in-memory
   * copy that may hold updates storage lacks (cluster mode). Unlike an append, this does not
   * count as an edit, so `updatedAt` stays.
   */
  compactDoc(
    name: string,
    merge: (updates: Uint8Array[]) => Uint8Array,
    include?: Uint8Array,
  ): Promise<{ before: number; after: number }>
}

export interface Storage extends ChatStore, DocStore {
  readonly dialect: StorageDialect
  /** Closes the database. Idempotent. */
  close(): Promise<void>
}

export type StorageOptions =
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

/** PostgreSQL schema used when none is given. */
export const DEFAULT_SCHEMA = 'public'

/** File name of the SQLite database inside the data folder. */
export const SQLITE_FILE = 'duplex.sqlite'

/**
 * Opens the database and migrates it to the latest schema. Everything above this file speaks
 * Kysely, so SQLite (embedded mode) and PostgreSQL (cluster mode) are two `kind`s here and nothing
 * in chat or collab changes.
 *
 * @example
 * const storage = await createStorage({ kind: 'sqlite', file: path.join(dataDir, SQLITE_FILE) })
 * const shared = await createStorage({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1/duplex' })
 */
export async function createStorage(options: StorageOptions): Promise<Storage> {
  const opened = openDatabase(options)
  try {
    await opened.migrate()
  } catch (error) {
    await opened.db.destroy()
    throw error
  }
  return createKyselyStorage(opened.db, options.kind)
}

/**
 * Applies pending migrations and closes the database again (`pnpm db:migrate`). Resolves with the
 * names of the migrations it applied, empty when the schema was up to date.
 */
export async function migrateStorage(options: StorageOptions): Promise<string[]> {
  const opened = openDatabase(options)
  try {
    return await opened.migrate()
  } finally {
    await opened.db.destroy()
  }
}

interface OpenedDatabase {
  db: Kysely<Database>
  migrate(): Promise<string[]>
}

function openDatabase(options: StorageOptions): OpenedDatabase {
  if (options.kind === 'postgres') return openPostgres(options)
  mkdirSync(path.dirname(options.file), { recursive: true })
  const sqlite = new SQLite(options.file)
  // WAL lets readers go on while a writer commits; NORMAL is durable across process crashes in WAL.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    plugins: [new CamelCasePlugin()],
  })
  return {
    db,
    migrate: () => migrate(new Migrator({ db, provider: createMigrationProvider('sqlite') })),
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

/** pg's type id of `int8`/`bigint`: our ms timestamps and `count(*)`. */
const INT8_OID = 20

function openPostgres(options: Extract<StorageOptions, { kind: 'postgres' }>): OpenedDatabase {
  const schema = options.schema ?? DEFAULT_SCHEMA
  const pool = new pg.Pool({
    connectionString: options.url,
    // At least two: migrate() holds its lock on one connection while the migrator uses another.
    max: Math.max(2, options.maxConnections ?? 10),
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
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
  })
  const migrator = new Migrator({
    db,
    provider: createMigrationProvider('postgres'),
    // Kysely looks its tables up in every schema unless told which one is ours.
    migrationTableSchema: schema,
  })
  return {
    db,
    async migrate() {
      // Kysely's own advisory lock only covers running the migrations, not creating its tables
      // and our schema before that; instances starting together queue here for the whole of it.
      const lock = await pool.connect().catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error)
        throw new Error(`cannot connect to PostgreSQL at ${redactUrl(options.url)}: ${reason}`, {
          cause: error,
        })
      })
      const key = `duplex-realtime:migrate:${schema}`
      try {
        await lock.query('select pg_advisory_lock(hashtext($1))', [key])
        return await migrate(migrator)
      } finally {
        await lock.query('select pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined)
        lock.release()
      }
    },
  }
}

async function migrate(migrator: Migrator): Promise<string[]> {
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((result) => result.status === 'Error')
  if (error !== undefined) {
    const cause = error instanceof Error ? error.message : String(error)
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${cause}`, {
      cause: error,
    })
  }
  return (results ?? [])
    .filter((result: MigrationResult) => result.status === 'Success')
    .map((result) => result.migrationName)
}

function createKyselyStorage(db: Kysely<Database>, dialect: StorageDialect): Storage {
  const messageColumns = ['id', 'roomId', 'userId', 'userName', 'text', 'ts', 'clientId'] as const
  const docColumns = ['name', 'createdAt', 'updatedAt'] as const
  let closed: Promise<void> | undefined

  const findMessageByClientId: ChatStore['findMessageByClientId'] = (roomId, userId, clientId) =>
    db
      .selectFrom('messages')
      .select(messageColumns)
      .where('roomId', '=', roomId)
      .where('userId', '=', userId)
      .where('clientId', '=', clientId)
      .executeTakeFirst()

  const getDoc: DocStore['getDoc'] = (name) =>
    db.selectFrom('docs').select(docColumns).where('name', '=', name).executeTakeFirst()

  return {
    dialect,

    async ensureRoom(roomId, createdBy) {
      const inserted = await db
        .insertInto('rooms')
        .values({ id: roomId, createdAt: Date.now(), createdBy })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning(['id', 'createdAt'])
        .executeTakeFirst()
      if (inserted) return { room: inserted, created: true }
      const room = await db
        .selectFrom('rooms')
        .select(['id', 'createdAt'])
        .where('id', '=', roomId)
        .executeTakeFirstOrThrow()
      return { room, created: false }
    },

    listRooms() {
      return db
        .selectFrom('rooms')
        .select(['id', 'createdAt'])
        .orderBy('createdAt')
        .orderBy('id')
        .execute()
    },

    async insertMessage({ roomId, user, text, clientId, ts }) {
      const inserted = await db
        .insertInto('messages')
        .values({ roomId, userId: user.id, userName: user.name, text, clientId, ts })
        .onConflict((oc) => oc.columns(['roomId', 'userId', 'clientId']).doNothing())
        .returning(messageColumns)
        .executeTakeFirst()
      if (inserted) return { message: inserted, created: true }
      const existing = await findMessageByClientId(roomId, user.id, clientId)
      if (!existing) throw new Error(`message ${clientId} conflicted but cannot be found`)
      return { message: existing, created: false }
    },

    findMessageByClientId,

    async listMessages(roomId, { before, limit }) {
      let query = db
        .selectFrom('messages')
        .select(messageColumns)
        .where('roomId', '=', roomId)
        .orderBy('id', 'desc')
        // One extra row tells whether there is an older page without a second query.
        .limit(limit + 1)
      if (before !== undefined) query = query.where('id', '<', before)
      const rows = await query.execute()
      const hasMore = rows.length > limit
      return { messages: rows.slice(0, limit).reverse(), hasMore }
    },

    async hasMessage(roomId, messageId) {
      const row = await db
        .selectFrom('messages')
        .select('id')
        .where('roomId', '=', roomId)
        .where('id', '=', messageId)
        .executeTakeFirst()
      return row !== undefined
    },

    async markRead({ roomId, userId, userName, messageId }) {
      const row = await db
        .insertInto('readReceipts')
        .values({ roomId, userId, userName, messageId, updatedAt: Date.now() })
        .onConflict((oc) =>
          oc
            .columns(['roomId', 'userId'])
            .doUpdateSet((eb) => ({
              messageId: eb.ref('excluded.messageId'),
              userName: eb.ref('excluded.userName'),
              updatedAt: eb.ref('excluded.updatedAt'),
            }))
            // Receipts only move forward: a late, older mark-read from another tab changes nothing.
            .where('readReceipts.messageId', '<', (eb) => eb.ref('excluded.messageId')),
        )
        .returning('messageId')
        .executeTakeFirst()
      return row !== undefined
    },

    listReads(roomId) {
      return db
        .selectFrom('readReceipts')
        .select(['roomId', 'userId', 'userName', 'messageId'])
        .where('roomId', '=', roomId)
        .orderBy('updatedAt')
        .execute()
    },

    listDocs() {
      return db
        .selectFrom('docs')
        .select(docColumns)
        .orderBy('updatedAt', 'desc')
        .orderBy('name')
        .execute()
    },

    getDoc,

    async createDoc(name) {
      const now = Date.now()
      const inserted = await db
        .insertInto('docs')
        .values({ name, createdAt: now, updatedAt: now })
        .onConflict((oc) => oc.column('name').doNothing())
        .returning(docColumns)
        .executeTakeFirst()
      if (inserted) return { doc: inserted, created: true }
      const doc = await getDoc(name)
      if (!doc) throw new Error(`document ${name} conflicted but cannot be found`)
      return { doc, created: false }
    },

    async appendDocUpdate(name, update) {
      const now = Date.now()
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('docUpdates')
          .values({ docName: name, data: toBuffer(update), createdAt: now })
          .execute()
        await trx.updateTable('docs').set({ updatedAt: now }).where('name', '=', name).execute()
      })
    },

    async loadDocUpdates(name) {
      const rows = await db
        .selectFrom('docUpdates')
        .select('data')
        .where('docName', '=', name)
        .orderBy('id')
        .execute()
      return rows.map((row) => toBytes(row.data))
    },

    compactDoc(name, merge, include) {
      return db.transaction().execute(async (trx) => {
        const rows = await trx
          .selectFrom('docUpdates')
          .select(['id', 'data'])
          .where('docName', '=', name)
          .orderBy('id')
          .execute()
        if (include === undefined && rows.length <= 1)
          return { before: rows.length, after: rows.length }
        const updates = rows.map((row) => toBytes(row.data))
        const merged = merge(include === undefined ? updates : [...updates, include])
        // Exactly the rows read above go, by id: anything appended meanwhile stays. (Not "id <=
        // last": in PostgreSQL ids are taken at insert and committed in any order, so a row with
        // a smaller id can become visible after the read.)
        const ids = rows.map((row) => row.id)
        for (let i = 0; i < ids.length; i += 1000) {
          await trx
            .deleteFrom('docUpdates')
            .where('docName', '=', name)
            .where('id', 'in', ids.slice(i, i + 1000))
            .execute()
        }
        await trx
          .insertInto('docUpdates')
          .values({ docName: name, data: toBuffer(merged), createdAt: Date.now() })
          .execute()
        const { count } = await trx
          .selectFrom('docUpdates')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('docName', '=', name)
          .executeTakeFirstOrThrow()
        return { before: rows.length, after: Number(count) }
      })
    },

    close() {
      closed ??= db.destroy()
      return closed
    },
  }
}

/** better-sqlite3 binds Buffers as BLOBs; a plain Uint8Array is wrapped without copying. */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** Drivers hand back Buffers; Yjs wants plain Uint8Arrays (Buffer#slice differs from Uint8Array#slice). */
function toBytes(data: Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
