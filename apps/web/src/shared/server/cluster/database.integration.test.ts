import { TEST_DATABASE_URL, createTestSchema, testServices } from '@duplex/testing/services'
import { sql, type Migration } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { collectWebMigrations } from '../lifecycle.ts'
import { createWebDatabase, type WebDatabase } from './database.ts'

const services = await testServices()

const notes: Migration = {
  async up(db) {
    await db.schema
      .createTable('notes')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute()
  },
}

describe.skipIf(!services.ok)('the web app database (cluster mode)', () => {
  const opened: WebDatabase[] = []
  const drops: (() => Promise<void>)[] = []
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((database) => database.close()))
    for (const drop of drops.splice(0)) await drop()
  })

  function open(schema: string): WebDatabase {
    const database = createWebDatabase({ url: TEST_DATABASE_URL, schema, instanceId: 'test' })
    opened.push(database)
    return database
  }

  it('applies each migration once, even when instances start together', async () => {
    const schema = createTestSchema(TEST_DATABASE_URL, 'web_db')
    drops.push(schema.drop)
    const migrations = { notes_0001_initial: notes }
    const [one, two] = [open(schema.name), open(schema.name)]
    const [first, second] = await Promise.all([one.migrate(migrations), two.migrate(migrations)])
    expect([...first, ...second]).toEqual(['notes_0001_initial'])
    const db = one.db
    await sql`insert into notes (id, created_at) values (1, ${Date.now()})`.execute(db)
    // bigint comes back as a number, as ms timestamps should.
    const { rows } = await sql<{ createdAt: unknown }>`select created_at from notes`.execute(db)
    expect(typeof rows[0]?.createdAt).toBe('number')
    // Its own bookkeeping table, so the realtime server's migrator never sees these names.
    const tables = await sql<{ tablename: string }>`
      select tablename from pg_tables where schemaname = ${schema.name} order by tablename`.execute(
      db,
    )
    expect(tables.rows.map((row) => row.tablename)).toEqual([
      'notes',
      'web_migration',
      'web_migration_lock',
    ])
  })

  it('migrates on once a feature with tables is removed, and drops its tables', async () => {
    const schema = createTestSchema(TEST_DATABASE_URL, 'web_db')
    drops.push(schema.drop)
    const database = open(schema.name)
    // Retired lists are given explicitly: the app's own list changes with each removed demo.
    await database.migrate(
      collectWebMigrations([{ name: 'notes', migrations: { notes_0001_initial: notes } }], {}, []),
    )
    // `pnpm remove-demo notes`: the feature is gone, its entry is in retired-features.ts.
    const retired = [
      { feature: 'notes', migrations: ['notes_0001_initial'], dropTables: ['notes'] },
    ]
    expect(await database.migrate(collectWebMigrations([], {}, retired))).toEqual([
      'notes_9999_drop',
    ])
    const tables = await sql<{ tablename: string }>`
      select tablename from pg_tables where schemaname = ${schema.name}`.execute(database.db)
    expect(tables.rows.map((row) => row.tablename)).not.toContain('notes')
  })

  it('says which database it cannot reach', async () => {
    const database = createWebDatabase({
      url: 'postgres://postgres@127.0.0.1:1/nowhere',
      instanceId: 'test',
    })
    opened.push(database)
    await expect(database.migrate({})).rejects.toThrow(
      /cannot connect to PostgreSQL at postgres:\/\/.*127\.0\.0\.1:1/,
    )
  })
})

describe('collectWebMigrations', () => {
  it('keeps shared migrations and each feature’s own', () => {
    expect(
      Object.keys(
        collectWebMigrations(
          [{ name: 'progress', migrations: { progress_0001_jobs: notes } }],
          { session_0001_revocations: notes },
          [],
        ),
      ),
    ).toEqual(['session_0001_revocations', 'progress_0001_jobs'])
  })

  it('refuses a feature that is both live and retired', () => {
    const retired = [{ feature: 'progress', migrations: ['progress_0001_jobs'], dropTables: [] }]
    expect(() =>
      collectWebMigrations(
        [{ name: 'progress', migrations: { progress_0001_jobs: notes } }],
        {},
        retired,
      ),
    ).toThrow(/listed in src\/features\/server.ts and as retired/)
  })

  it('refuses a feature migration that does not carry its name', () => {
    expect(() =>
      collectWebMigrations([{ name: 'progress', migrations: { jobs_0001: notes } }], {}, []),
    ).toThrow(/must be named progress_<nnnn>_<what>/)
  })
})
