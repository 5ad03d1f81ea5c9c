import {
  DATABASE_KINDS,
  createTestDatabase,
  type TestDatabase,
} from '../../shared/storage/test-database.ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
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
    const old = await openDatabase(options)
    const before = createDocRepository(old.db.withTables<CollabTables>())
    await before.createDoc('notes')
    const doc = new Y.Doc()
    doc.getText('content').insert(0, 'from before')
    await before.appendDocUpdate('notes', Y.encodeStateAsUpdate(doc))
    await old.close()

    expect(await migrateDatabase(options, withCollab)).toEqual([
      'collab_0001_initial',
      'collab_0002_doc_owner',
    ])
    const database = await openDatabase(options, withCollab)
    try {
      const store = createDocRepository(database.db.withTables<CollabTables>())
      expect((await store.listDocs()).map((d) => d.name)).toEqual(['notes'])
      const reloaded = new Y.Doc()
      for (const update of await store.loadDocUpdates('notes')) Y.applyUpdate(reloaded, update)
      expect(reloaded.getText('content').toString()).toBe('from before')
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
