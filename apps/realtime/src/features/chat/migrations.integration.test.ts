import {
  DATABASE_KINDS,
  createTestDatabase,
  type TestDatabase,
} from '../../shared/storage/test-database.ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testServices, createTestSchema } from '@duplex/testing/services'
import {
  migrateDatabase,
  openDatabase,
  type DatabaseOptions,
  type StorageDialect,
} from '../../shared/storage/database.ts'
import { legacyInitial, tablesOf } from '../../shared/storage/legacy.fixture.ts'
import { collectMigrations } from '../../shared/storage/migrations.ts'
import type { RetiredFeature } from '../../shared/storage/retired-features.ts'
import { CHAT_TABLES, chatMigrations } from './migrations.ts'
import { createChatRepository, type ChatTables } from './repository.ts'

const services = await testServices()
const chat = { name: 'chat', migrations: chatMigrations }
// This checkout's retired features are not chat's business: each suite migrates its own alone.
const withChat = (dialect: StorageDialect) => collectMigrations(dialect, [chat], [])
const ada = { id: 'u_ada', name: 'Ada' }

/** The entry `pnpm remove-demo chat` appends to retired-features.ts. */
const chatRetired: RetiredFeature = {
  feature: 'chat',
  migrations: Object.keys(chatMigrations('sqlite')),
  dropTables: [...CHAT_TABLES],
}

describe.each(DATABASE_KINDS)('$kind chat migrations', ({ kind, skip }) => {
  let database: TestDatabase | undefined
  let options: DatabaseOptions

  beforeEach(async (context) => {
    if (skip) return context.skip()
    database = await createTestDatabase(kind, 'duplex-chat-migrations')
    options = database.options
    // A database made before the tables moved into the features.
    await migrateDatabase(options, (dialect) => ({ '0001_initial': legacyInitial(dialect) }))
  })

  afterEach(async () => {
    await database?.drop()
    database = undefined
  })

  it('migrates a database made by the old 0001_initial cleanly, keeping its messages', async () => {
    const old = await openDatabase(options)
    // Rows as the old tables held them: no names, no per-room numbers, ids shared by all rooms.
    await old.db
      .insertInto('rooms' as never)
      .values([
        { id: 'general', createdAt: 1 },
        { id: 'random', createdAt: 2 },
      ] as never)
      .execute()
    const row = (roomId: string, clientId: string, ts: number) => ({
      roomId,
      userId: ada.id,
      userName: ada.name,
      text: clientId,
      clientId,
      ts,
    })
    await old.db
      .insertInto('messages' as never)
      .values([
        row('random', 'r1', 1),
        row('general', 'o1', 2),
        row('random', 'r2', 3),
        row('general', 'o2', 4),
      ] as never)
      .execute()
    await old.close()

    expect(await migrateDatabase(options, withChat)).toEqual([
      'chat_0001_initial',
      'chat_0002_room_names_and_seq',
    ])
    const database = await openDatabase(options, withChat)
    try {
      const store = createChatRepository(database.db.withTables<ChatTables>())
      const general = (await store.listMessages('general', { limit: 10 })).messages
      expect(general.map((m) => [m.text, m.seq])).toEqual([
        ['o1', 1],
        ['o2', 2],
      ])
      // Existing rooms are named by their id; new messages carry on from the last number.
      expect(await store.findRoom('general')).toMatchObject({ name: 'general' })
      const next = { roomId: 'random', user: ada, text: 'new', clientId: 'r3', ts: 5 }
      expect((await store.insertMessage(next)).message.seq).toBe(3)
      // The dedupe index is still the one 0001_initial made.
      const retry = { roomId: 'general', user: ada, text: 'old', clientId: 'o1', ts: 2 }
      expect((await store.insertMessage(retry)).created).toBe(false)
    } finally {
      await database.close()
    }
  })

  it('drops chat’s tables once chat is retired, and leaves the other tables alone', async () => {
    await migrateDatabase(options, withChat)
    const retired = (dialect: StorageDialect) => collectMigrations(dialect, [], [chatRetired])
    expect(await migrateDatabase(options, retired)).toEqual(['chat_9999_drop'])
    // What is left is collab's, made by the old 0001_initial.
    expect(await tablesOf(options)).toEqual(['doc_updates', 'docs'])
    expect(await migrateDatabase(options, retired)).toEqual([])
  })
})

describe('chat migrations on PostgreSQL', () => {
  it('runs twice at once on one PostgreSQL schema: one applies, the other finds nothing to do', async (context) => {
    if (!services.ok) return context.skip()
    const schema = await createTestSchema(services.databaseUrl)
    try {
      const options = { kind: 'postgres' as const, url: services.databaseUrl, schema: schema.name }
      const [first, second] = await Promise.all([
        migrateDatabase(options, withChat),
        migrateDatabase(options, withChat),
      ])
      // 0001_initial (the shared no-op), chat_0001_initial and chat_0002_room_names_and_seq.
      expect([first, second].map((applied) => applied.length).sort()).toEqual([0, 3])
      expect(await migrateDatabase(options, withChat)).toEqual([])
      const database = await openDatabase(options, withChat)
      const store = createChatRepository(database.db.withTables<ChatTables>())
      expect((await store.ensureRoom('general', null)).created).toBe(true)
      await database.close()
    } finally {
      await schema.drop()
    }
  })
})
