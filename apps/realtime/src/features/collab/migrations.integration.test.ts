import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { testServices, createTestSchema, type TestSchema } from '@duplex/testing/services'
import {
  SQLITE_FILE,
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

const services = await testServices()
const collab = { name: 'collab', migrations: collabMigrations }
const withCollab = (dialect: StorageDialect) => collectMigrations(dialect, [collab])

/** The entry `pnpm remove-demo editor` appends to retired-features.ts. */
const collabRetired: RetiredFeature = {
  feature: 'collab',
  migrations: Object.keys(collabMigrations('sqlite')),
  dropTables: [...COLLAB_TABLES],
}

describe.each([
  { kind: 'sqlite' as const, skip: false },
  { kind: 'postgres' as const, skip: !services.ok },
])('$kind collab migrations', ({ kind, skip }) => {
  let dir: string | undefined
  let schema: TestSchema | undefined
  let options: DatabaseOptions

  beforeEach(async (context) => {
    if (skip) return context.skip()
    if (kind === 'sqlite') {
      dir = await mkdtemp(path.join(tmpdir(), 'duplex-collab-migrations-'))
      options = { kind: 'sqlite', file: path.join(dir, SQLITE_FILE) }
    } else {
      schema = await createTestSchema(services.databaseUrl)
      options = { kind: 'postgres', url: services.databaseUrl, schema: schema.name }
    }
    // A database made before the tables moved into the features.
    await migrateDatabase(options, (dialect) => ({ '0001_initial': legacyInitial(dialect) }))
  })

  afterEach(async () => {
    if (skip) return
    if (dir) await rm(dir, { recursive: true, force: true })
    await schema?.drop()
  })

  it('migrates a database made by the old 0001_initial cleanly, keeping its documents', async () => {
    const old = await openDatabase(options)
    const before = createDocRepository(old.db.withTables<CollabTables>())
    await before.createDoc('notes')
    const doc = new Y.Doc()
    doc.getText('content').insert(0, 'from before')
    await before.appendDocUpdate('notes', Y.encodeStateAsUpdate(doc))
    await old.close()

    expect(await migrateDatabase(options, withCollab)).toEqual(['collab_0001_initial'])
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
