import {
  DATABASE_KINDS,
  createTestDatabase,
  type TestDatabase,
} from '../../shared/storage/test-database.ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import * as Y from 'yjs'
import {
  migrateDatabase,
  openDatabase,
  type DatabaseOptions,
  type StorageDialect,
} from '../../shared/storage/database.ts'
import { legacyInitial, tablesOf } from '../../shared/storage/legacy.fixture.ts'
import { collectMigrations } from '../../shared/storage/migrations.ts'
import type { RetiredFeature } from '../../shared/storage/retired-features.ts'
import { COLLAB_TABLES, collabMigrations } from './migrations.ts'
import { createDocRepository, type CollabTables } from './repository.ts'

const collab = { name: 'collab', migrations: collabMigrations }
// This checkout's retired features are not collab's business: each suite migrates its own alone.
const withCollab = (dialect: StorageDialect) => collectMigrations(dialect, [collab], [])

/** The entry `pnpm remove-demo editor` appends to retired-features.ts. */
const collabRetired: RetiredFeature = {
  feature: 'collab',
  migrations: Object.keys(collabMigrations('sqlite')),
  dropTables: [...COLLAB_TABLES],
}

describe.each(DATABASE_KINDS)('$kind collab migrations', ({ kind, skip }) => {
  let database: TestDatabase | undefined
  let options: DatabaseOptions

  beforeEach(async (context) => {
    if (skip) return context.skip()
    database = await createTestDatabase(kind, 'duplex-collab-migrations')
    options = database.options
    // A database made before the tables moved into the features.
    await migrateDatabase(options, (dialect) => ({ '0001_initial': legacyInitial(dialect) }))
  })

  afterEach(async () => {
    await database?.drop()
    database = undefined
  })

  it('migrates a database made by the old 0001_initial cleanly, keeping its documents', async () => {
    // Written with the old 0001_initial's columns only, as that version of the app did.
    const old = await openDatabase(options)
    const doc = new Y.Doc()
    doc.getText('content').insert(0, 'from before\nsecond line')
    await sql`insert into docs (name, created_at, updated_at) values ('notes', 1, 2)`.execute(
      old.db,
    )
    await sql`insert into doc_updates (doc_name, data, created_at)
      values ('notes', ${Buffer.from(Y.encodeStateAsUpdate(doc))}, 2)`.execute(old.db)
    await old.close()

    expect(await migrateDatabase(options, withCollab)).toEqual([
      'collab_0001_initial',
      'collab_0002_doc_owner',
      'collab_0003_generations',
      'collab_0004_tombstone_actor',
    ])
    const database = await openDatabase(options, withCollab)
    try {
      const store = createDocRepository(database.db.withTables<CollabTables>())
      // Nobody owns it; its preview was filled in from its stored text.
      expect(await store.listDocs({ limit: 10 })).toEqual([
        { name: 'notes', createdAt: 1, updatedAt: 2, owner: null, preview: 'from before' },
      ])
      const reloaded = new Y.Doc()
      for (const update of await store.loadDocUpdates('notes')) Y.applyUpdate(reloaded, update)
      expect(reloaded.getText('content').toString()).toBe('from before\nsecond line')
    } finally {
      await database.close()
    }
  })

  it('drops collab’s tables once collab is retired, and leaves the other tables alone', async () => {
    await migrateDatabase(options, withCollab)
    const retired = (dialect: StorageDialect) => collectMigrations(dialect, [], [collabRetired])
    expect(await migrateDatabase(options, retired)).toEqual(['collab_9999_drop'])
    // What is left is chat's, made by the old 0001_initial.
    expect(await tablesOf(options)).toEqual(['messages', 'read_receipts', 'rooms'])
    expect(await migrateDatabase(options, retired)).toEqual([])
  })
})
