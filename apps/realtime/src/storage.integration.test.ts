import type { Kysely, Migration } from 'kysely'
import { sql } from 'kysely'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { chatMigrations, CHAT_TABLES } from './features/chat/migrations.ts'
import { createChatRepository, type ChatTables } from './features/chat/repository.ts'
import { createDocRepository, type CollabTables } from './features/collab/repository.ts'
import { features } from './features/index.ts'
import {
  clusterServices,
  createTestSchema,
  type TestSchema,
} from './shared/cluster-test-helpers.ts'
import {
  SQLITE_FILE,
  migrateDatabase,
  openDatabase,
  type DatabaseOptions,
  type StorageDialect,
} from './shared/storage/database.ts'
import { collectMigrations } from './shared/storage/migrations.ts'
import type { RetiredFeature } from './shared/storage/retired-features.ts'

// The real features' migrations against databases made by older versions of this server. (The
// migration runner itself is tested with made-up features in src/shared/storage/.)

const services = await clusterServices()

/**
 * `0001_initial` as it shipped before the tables moved into the features: every table of chat
 * and collab in one migration. Frozen here, so the test keeps meeting the databases it made.
 */
function legacyInitial(dialect: StorageDialect): Migration {
  const types =
    dialect === 'sqlite'
      ? ({ bytes: 'blob', serial: 'integer' } as const)
      : ({ bytes: 'bytea', serial: 'serial' } as const)
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('rooms')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .execute()
      await db.schema
        .createTable('messages')
        .addColumn('id', types.serial, (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('ts', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('messages_client_id_unique')
        .on('messages')
        .columns(['room_id', 'user_id', 'client_id'])
        .unique()
        .execute()
      await db.schema
        .createIndex('messages_room_id_id')
        .on('messages')
        .columns(['room_id', 'id'])
        .execute()
      await db.schema
        .createTable('read_receipts')
        .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('message_id', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('read_receipts_pk', ['room_id', 'user_id'])
        .execute()
      await db.schema
        .createTable('docs')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createTable('doc_updates')
        .addColumn('id', types.serial, (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('doc_name', 'text', (c) =>
          c.notNull().references('docs.name').onDelete('cascade'),
        )
        .addColumn('data', types.bytes, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('doc_updates_doc_name_id')
        .on('doc_updates')
        .columns(['doc_name', 'id'])
        .execute()
    },
  }
}

/** The entry `pnpm remove-demo chat` appends to retired-features.ts. */
const chatRetired: RetiredFeature = {
  feature: 'chat',
  migrations: Object.keys(chatMigrations('sqlite')),
  dropTables: [...CHAT_TABLES],
}

async function tablesOf(options: DatabaseOptions): Promise<string[]> {
  const database = await openDatabase(options)
  try {
    const { rows } =
      database.dialect === 'sqlite'
        ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
            database.db,
          )
        : await sql<{ name: string }>`select table_name as name from information_schema.tables
            where table_schema = current_schema()`.execute(database.db)
    return rows
      .map((row) => row.name)
      .filter((name) => !name.startsWith('kysely_') && !name.startsWith('sqlite_'))
      .sort()
  } finally {
    await database.close()
  }
}

describe.each([
  { kind: 'sqlite' as const, skip: false },
  { kind: 'postgres' as const, skip: !services.ok },
])('$kind database of an older version', ({ kind, skip }) => {
  let dir: string | undefined
  let schema: TestSchema | undefined
  let options: DatabaseOptions

  beforeEach(async (context) => {
    if (skip) return context.skip()
    if (kind === 'sqlite') {
      dir = await mkdtemp(path.join(tmpdir(), 'duplex-storage-'))
      options = { kind: 'sqlite', file: path.join(dir, SQLITE_FILE) }
    } else {
      schema = await createTestSchema(services.databaseUrl)
      options = { kind: 'postgres', url: services.databaseUrl, schema: schema.name }
    }
  })

  afterEach(async () => {
    if (skip) return
    if (dir) await rm(dir, { recursive: true, force: true })
    await schema?.drop()
  })

  it('migrates a database made by the old 0001_initial cleanly, keeping its rows', async () => {
    expect(
      await migrateDatabase(options, (dialect) => ({ '0001_initial': legacyInitial(dialect) })),
    ).toEqual(['0001_initial'])
    const old = await openDatabase(options)
    const oldChat = createChatRepository(old.db.withTables<ChatTables>())
    await oldChat.ensureRoom('general', null)
    await oldChat.insertMessage({
      roomId: 'general',
      user: { id: 'u_ada', name: 'Ada' },
      text: 'from before',
      clientId: 'old-1',
      ts: 1,
    })
    await createDocRepository(old.db.withTables<CollabTables>()).createDoc('old-notes')
    await old.close()

    const migrations = (dialect: StorageDialect) => collectMigrations(dialect, features)
    expect(await migrateDatabase(options, migrations)).toEqual([
      'chat_0001_initial',
      'collab_0001_initial',
    ])
    const current = await openDatabase(options, migrations)
    try {
      const chat = createChatRepository(current.db.withTables<ChatTables>())
      expect(
        (await chat.listMessages('general', { limit: 10 })).messages.map((m) => m.text),
      ).toEqual(['from before'])
      // The dedupe index is still the one 0001_initial made.
      const retry = await chat.insertMessage({
        roomId: 'general',
        user: { id: 'u_ada', name: 'Ada' },
        text: 'from before',
        clientId: 'old-1',
        ts: 2,
      })
      expect(retry.created).toBe(false)
      const docs = createDocRepository(current.db.withTables<CollabTables>())
      expect((await docs.listDocs()).map((d) => d.name)).toEqual(['old-notes'])
    } finally {
      await current.close()
    }
  })

  it('drops chat’s tables once chat is retired, and keeps collab’s', async () => {
    await migrateDatabase(options, (dialect) => ({ '0001_initial': legacyInitial(dialect) }))
    await migrateDatabase(options, (dialect) => collectMigrations(dialect, features))
    const withoutChat = features.filter((feature) => feature.name !== 'chat')
    const migrations = (dialect: StorageDialect) =>
      collectMigrations(dialect, withoutChat, [chatRetired])
    expect(await migrateDatabase(options, migrations)).toEqual(['chat_9999_drop'])
    expect(await tablesOf(options)).toEqual(['doc_updates', 'docs'])
    expect(await migrateDatabase(options, migrations)).toEqual([])
  })
})

describe('migrations', () => {
  it('runs twice at once on one PostgreSQL schema: one applies, the other finds nothing to do', async (context) => {
    if (!services.ok) return context.skip()
    const schema = await createTestSchema(services.databaseUrl)
    try {
      const options = { kind: 'postgres' as const, url: services.databaseUrl, schema: schema.name }
      const migrations = (dialect: StorageDialect) => collectMigrations(dialect, features)
      const all = Object.keys(migrations('postgres')).length
      const [first, second] = await Promise.all([
        migrateDatabase(options, migrations),
        migrateDatabase(options, migrations),
      ])
      expect([first, second].map((applied) => applied.length).sort()).toEqual([0, all])
      expect(await migrateDatabase(options, migrations)).toEqual([])
      const database = await openDatabase(options, migrations)
      const chat = createChatRepository(database.db.withTables<ChatTables>())
      expect((await chat.ensureRoom('general', null)).created).toBe(true)
      await database.close()
    } finally {
      await schema.drop()
    }
  })
})
