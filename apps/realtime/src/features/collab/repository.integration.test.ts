import pg from 'pg'
import {
  DATABASE_KINDS,
  createTestDatabase,
  type TestDatabase,
} from '../../shared/storage/test-database.ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { openDatabase, type Database } from '../../shared/storage/database.ts'
import { collectMigrations } from '../../shared/storage/migrations.ts'
import { collabMigrations } from './migrations.ts'
import { createDocRepository, type CollabTables, type DocStore } from './repository.ts'

// The same contract, run against SQLite (single mode) and PostgreSQL (cluster mode).
describe.each(DATABASE_KINDS)('$kind document repository', ({ kind, skip }) => {
  let testDatabase: TestDatabase
  let database: Database
  let storage: DocStore

  async function open(): Promise<DocStore> {
    database = await openDatabase(testDatabase.options, (dialect) =>
      collectMigrations(dialect, [{ name: 'collab', migrations: collabMigrations }]),
    )
    return createDocRepository(database.db.withTables<CollabTables>())
  }

  beforeEach(async (context) => {
    if (skip) return context.skip()
    testDatabase = await createTestDatabase(kind)
    storage = await open()
  })

  afterEach(async () => {
    if (skip) return
    await database.close()
    await testDatabase.drop()
  })

  describe('document storage', () => {
    function edit(doc: Y.Doc, text: string): Uint8Array {
      let captured: Uint8Array | undefined
      const onUpdate = (update: Uint8Array) => {
        captured = update
      }
      doc.on('update', onUpdate)
      doc.getText('content').insert(doc.getText('content').length, text)
      doc.off('update', onUpdate)
      if (!captured) throw new Error('no update')
      return captured
    }

    function textOf(updates: Uint8Array[]): string {
      const doc = new Y.Doc()
      for (const update of updates) Y.applyUpdate(doc, update)
      return doc.getText('content').toString()
    }

    it('creates a document once and lists it', async () => {
      expect((await storage.createDoc('notes')).created).toBe(true)
      expect((await storage.createDoc('notes')).created).toBe(false)
      expect((await storage.listDocs()).map((d) => d.name)).toEqual(['notes'])
    })

    it('appends updates and compacts them into one without changing the content', async () => {
      await storage.createDoc('notes')
      const doc = new Y.Doc()
      for (const word of ['a', 'b', 'c', 'd'])
        await storage.appendDocUpdate('notes', edit(doc, word))
      const updates = await storage.loadDocUpdates('notes')
      expect(updates).toHaveLength(4)
      expect(textOf(updates)).toBe('abcd')

      expect(await storage.compactDoc('notes', (all) => Y.mergeUpdates(all))).toEqual({
        before: 4,
        after: 1,
      })
      const compacted = await storage.loadDocUpdates('notes')
      expect(compacted).toHaveLength(1)
      expect(textOf(compacted)).toBe('abcd')
      // Compacting a single update is a no-op.
      expect(await storage.compactDoc('notes', () => new Uint8Array())).toEqual({
        before: 1,
        after: 1,
      })
    })

    it('merges an in-memory state in when asked, as a repair that is not an edit', async () => {
      const { doc: before } = await storage.createDoc('notes')
      const memory = new Y.Doc()
      await storage.appendDocUpdate('notes', edit(memory, 'stored '))
      const stamped = (await storage.getDoc('notes'))?.updatedAt
      // An update that reached this copy only through the relay was never stored.
      edit(memory, 'relayed')
      expect(
        await storage.compactDoc(
          'notes',
          (all) => Y.mergeUpdates(all),
          Y.encodeStateAsUpdate(memory),
        ),
      ).toEqual({ before: 1, after: 1 })
      expect(textOf(await storage.loadDocUpdates('notes'))).toBe('stored relayed')
      expect((await storage.getDoc('notes'))?.updatedAt).toBe(stamped)
      expect(stamped).toBeGreaterThanOrEqual(before.updatedAt)
    })

    it('keeps an update that commits, with a smaller id, while a compaction runs (PostgreSQL)', async (context) => {
      const { options } = testDatabase
      if (options.kind !== 'postgres') return context.skip()
      await storage.createDoc('notes')
      const memory = new Y.Doc()
      await storage.appendDocUpdate('notes', edit(memory, 'a'))
      // Another connection takes the next id, then a later id commits first.
      const late = new pg.Client({ connectionString: options.url })
      await late.connect()
      try {
        await late.query('begin')
        await late.query(
          `insert into ${options.schema}.doc_updates (doc_name, data, created_at) values ($1, $2, $3)`,
          ['notes', Buffer.from(edit(memory, 'b')), Date.now()],
        )
        await storage.appendDocUpdate('notes', edit(memory, 'c'))
        let committed: Promise<unknown> | undefined
        const result = await storage.compactDoc('notes', (all) => {
          // Between the compaction's read and its delete, the smaller id commits: the write goes
          // out at once, and blocking here gives the database time to apply it.
          committed = late.query('commit')
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300)
          return Y.mergeUpdates(all)
        })
        await committed
        expect(result.before).toBe(2)
      } finally {
        await late.end()
      }
      expect(textOf(await storage.loadDocUpdates('notes'))).toBe('abc')
    })

    it('bumps updatedAt when an update is stored', async () => {
      const { doc } = await storage.createDoc('notes')
      await new Promise((resolve) => setTimeout(resolve, 5))
      await storage.appendDocUpdate('notes', edit(new Y.Doc(), 'x'))
      expect((await storage.getDoc('notes'))?.updatedAt).toBeGreaterThan(doc.updatedAt)
    })

    it('creates a document with its first update, so opening one that nobody edits lists nothing', async () => {
      expect(await storage.getDoc('ghost')).toBeUndefined()
      await storage.appendDocUpdate('ghost', new Uint8Array([0]))
      expect(await storage.getDoc('ghost')).toMatchObject({ name: 'ghost' })
      expect(await storage.loadDocUpdates('ghost')).toHaveLength(1)
    })

    it('deletes a document with its updates, and renames one with them', async () => {
      await storage.appendDocUpdate('old', new Uint8Array([1]))
      await storage.createDoc('taken')
      expect(await storage.renameDoc('old', 'taken')).toBe('taken')
      expect(await storage.renameDoc('missing', 'new')).toBe('missing')
      expect(await storage.renameDoc('old', 'new')).toBe('renamed')
      expect(await storage.getDoc('old')).toBeUndefined()
      expect(await storage.loadDocUpdates('new')).toEqual([new Uint8Array([1])])
      expect(await storage.deleteDoc('new')).toBe(true)
      expect(await storage.deleteDoc('new')).toBe(false)
      expect(await storage.loadDocUpdates('new')).toEqual([])
    })
  })

  describe('reopening the database', () => {
    it('keeps documents', async () => {
      await storage.createDoc('notes')
      const doc = new Y.Doc()
      doc.getText('content').insert(0, 'still here')
      await storage.appendDocUpdate('notes', Y.encodeStateAsUpdate(doc))
      await database.close()

      storage = await open()
      const reloaded = new Y.Doc()
      for (const update of await storage.loadDocUpdates('notes')) Y.applyUpdate(reloaded, update)
      expect(reloaded.getText('content').toString()).toBe('still here')
    })
  })
})
