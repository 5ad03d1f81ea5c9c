import type { Kysely, Migration } from 'kysely'
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from './test-database.ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testServices, createTestSchema } from '@duplex/testing/services'
import { migrateDatabase, type DatabaseOptions, type StorageDialect } from './database.ts'
import { tablesOf } from './legacy.fixture.ts'
import { collectMigrations, type MigratingFeature } from './migrations.ts'
import type { RetiredFeature } from './retired-features.ts'

const services = await testServices()

/** A feature with a parent and a child table, as chat and collab have. */
const notes: MigratingFeature = {
  name: 'notes',
  migrations: () => ({
    notes_0001_initial: {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('notebooks')
          .ifNotExists()
          .addColumn('id', 'text', (c) => c.primaryKey())
          .execute()
        await db.schema
          .createTable('notes')
          .ifNotExists()
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('notebook_id', 'text', (c) =>
            c.notNull().references('notebooks.id').onDelete('cascade'),
          )
          .execute()
      },
    },
  }),
}

const tags: MigratingFeature = {
  name: 'tags',
  migrations: () => ({
    tags_0001_initial: {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('tags')
          .ifNotExists()
          .addColumn('id', 'text', (c) => c.primaryKey())
          .execute()
      },
    },
  }),
}

const notesRetired: RetiredFeature = {
  feature: 'notes',
  migrations: ['notes_0001_initial'],
  dropTables: ['notes', 'notebooks'],
}

describe.each(DATABASE_KINDS)('$kind migrations', ({ kind, skip }) => {
  let database: TestDatabase | undefined
  let options: DatabaseOptions

  beforeEach(async (context) => {
    if (skip) return context.skip()
    database = await createTestDatabase(kind, 'duplex-migrations')
    options = database.options
  })

  afterEach(async () => {
    await database?.drop()
    database = undefined
  })

  const run = (features: MigratingFeature[], retired: RetiredFeature[] = []) =>
    migrateDatabase(options, (dialect: StorageDialect) =>
      collectMigrations(dialect, features, retired),
    )

  it('runs the shared migrations and each feature’s, once', async () => {
    expect(await run([notes, tags])).toEqual([
      '0001_initial',
      'notes_0001_initial',
      'tags_0001_initial',
    ])
    expect(await run([notes, tags])).toEqual([])
    expect(await tablesOf(options)).toEqual(['notebooks', 'notes', 'tags'])
  })

  it('adds a feature to a database that has run others', async () => {
    await run([tags])
    expect(await run([notes, tags])).toEqual(['notes_0001_initial'])
    expect(await tablesOf(options)).toEqual(['notebooks', 'notes', 'tags'])
  })

  it('drops the tables of a retired feature and keeps the others', async () => {
    await run([notes, tags])
    expect(await run([tags], [notesRetired])).toEqual(['notes_9999_drop'])
    expect(await tablesOf(options)).toEqual(['tags'])
    // Running again finds nothing to do: the old names are still known, as no-ops.
    expect(await run([tags], [notesRetired])).toEqual([])
  })

  it('retires a feature a new database never had, without complaint', async () => {
    expect(await run([tags], [notesRetired])).toEqual([
      '0001_initial',
      'notes_0001_initial',
      'notes_9999_drop',
      'tags_0001_initial',
    ])
    expect(await tablesOf(options)).toEqual(['tags'])
  })

  it('refuses a database whose executed migration is unknown, naming it', async () => {
    await run([notes, tags])
    await expect(run([tags])).rejects.toThrow(/notes_0001_initial/)
  })
})

describe('collectMigrations', () => {
  it('refuses a feature that is both listed and retired', () => {
    expect(() => collectMigrations('sqlite', [notes], [notesRetired])).toThrow(
      /notes is listed in src\/features\/index\.ts and as retired/,
    )
  })

  it('refuses a migration not named after its feature', () => {
    const stray: Migration = { async up() {} }
    expect(() =>
      collectMigrations('sqlite', [{ name: 'tags', migrations: () => ({ '0002_more': stray }) }]),
    ).toThrow(/0002_more of tags must be named tags_<nnnn>_<what>/)
  })
})

describe('migrations on PostgreSQL', () => {
  it('runs twice at once on one PostgreSQL schema: one applies, the other finds nothing to do', async (context) => {
    if (!services.ok) return context.skip()
    const schema = await createTestSchema(services.databaseUrl)
    try {
      const options = { kind: 'postgres' as const, url: services.databaseUrl, schema: schema.name }
      const migrations = (dialect: StorageDialect) => collectMigrations(dialect, [notes, tags], [])
      const [first, second] = await Promise.all([
        migrateDatabase(options, migrations),
        migrateDatabase(options, migrations),
      ])
      expect([first, second].map((applied) => applied.length).sort()).toEqual([0, 3])
      expect(await migrateDatabase(options, migrations)).toEqual([])
      expect(await tablesOf(options)).toEqual(['notebooks', 'notes', 'tags'])
    } finally {
      await schema.drop()
    }
  })
})
