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

    const ada = { id: 'u_ada', name: 'Ada' }
    const bob = { id: 'u_bob', name: 'Bob' }
    const merge = (all: Uint8Array[]) => ({ state: Y.mergeUpdates(all), preview: textOf(all) })
    /** Generation 0: what a copy loaded from a name never deleted writes with. */
    const first = { generation: 0 }

    it('creates a document once, owned by its creator, and lists it', async () => {
      expect((await storage.createDoc('notes', ada)).created).toBe(true)
      expect((await storage.createDoc('notes', bob)).created).toBe(false)
      expect(await storage.listDocs({ limit: 10 })).toEqual([
        expect.objectContaining({ name: 'notes', owner: ada, preview: '' }),
      ])
      expect(await storage.countDocsCreatedBy('u_ada')).toBe(1)
      expect(await storage.countDocsCreatedBy('u_bob')).toBe(0)
    })

    it('appends updates and compacts them into one without changing the content', async () => {
      await storage.createDoc('notes')
      const doc = new Y.Doc()
      for (const word of ['a', 'b', 'c', 'd'])
        expect(await storage.appendDocUpdate('notes', edit(doc, word), first)).toEqual({ ok: true })
      const updates = await storage.loadDocUpdates('notes')
      expect(updates).toHaveLength(4)
      expect(textOf(updates)).toBe('abcd')

      expect(await storage.compactDoc('notes', merge, first)).toEqual({
        ok: true,
        before: 4,
        after: 1,
      })
      const compacted = await storage.loadDocUpdates('notes')
      expect(compacted).toHaveLength(1)
      expect(textOf(compacted)).toBe('abcd')
      // The compaction stored the preview it computed.
      expect((await storage.getDoc('notes'))?.preview).toBe('abcd')
      // Compacting a single update is a no-op.
      expect(
        await storage.compactDoc('notes', () => ({ state: new Uint8Array(), preview: '' }), first),
      ).toEqual({ ok: true, before: 1, after: 1 })
    })

    it('merges an in-memory state in when asked, as a repair that is not an edit', async () => {
      const { doc: before } = await storage.createDoc('notes')
      const memory = new Y.Doc()
      await storage.appendDocUpdate('notes', edit(memory, 'stored '), first)
      const stamped = (await storage.getDoc('notes'))?.updatedAt
      // An update that reached this copy only through the relay was never stored.
      edit(memory, 'relayed')
      expect(
        await storage.compactDoc('notes', merge, {
          ...first,
          include: Y.encodeStateAsUpdate(memory),
        }),
      ).toEqual({ ok: true, before: 1, after: 1 })
      expect(textOf(await storage.loadDocUpdates('notes'))).toBe('stored relayed')
      expect((await storage.getDoc('notes'))?.updatedAt).toBe(stamped)
      expect(stamped).toBeGreaterThanOrEqual(before.updatedAt)
    })

    it('keeps an update that commits, with a smaller id, while a compaction runs (PostgreSQL)', async (context) => {
      const { options } = testDatabase
      if (options.kind !== 'postgres') return context.skip()
      await storage.createDoc('notes')
      const memory = new Y.Doc()
      await storage.appendDocUpdate('notes', edit(memory, 'a'), first)
      // Another connection takes the next id, then a later id commits first.
      const late = new pg.Client({ connectionString: options.url })
      await late.connect()
      try {
        await late.query('begin')
        await late.query(
          `insert into ${options.schema}.doc_updates (doc_name, data, created_at) values ($1, $2, $3)`,
          ['notes', Buffer.from(edit(memory, 'b')), Date.now()],
        )
        await storage.appendDocUpdate('notes', edit(memory, 'c'), first)
        let committed: Promise<unknown> | undefined
        const result = await storage.compactDoc(
          'notes',
          (all) => {
            // Between the compaction's read and its delete, the smaller id commits: the write goes
            // out at once, and blocking here gives the database time to apply it.
            committed = late.query('commit')
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300)
            return merge(all)
          },
          first,
        )
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
      await storage.appendDocUpdate('notes', edit(new Y.Doc(), 'x'), first)
      expect((await storage.getDoc('notes'))?.updatedAt).toBeGreaterThan(doc.updatedAt)
    })

    it('creates a document with its first update, owned by whoever made it', async () => {
      expect(await storage.getDoc('ghost')).toBeUndefined()
      expect(await storage.loadDoc('ghost')).toEqual({ generation: 0, updates: [] })
      await storage.appendDocUpdate('ghost', new Uint8Array([0]), { ...first, creator: ada })
      // Later writes name no owner, or another: the first one stays.
      await storage.appendDocUpdate('ghost', new Uint8Array([0]), { ...first, creator: bob })
      expect(await storage.getDoc('ghost')).toMatchObject({ name: 'ghost', owner: ada })
      expect(await storage.loadDocUpdates('ghost')).toHaveLength(2)
    })

    it('lets only the owner delete or rename a document, and nobody one without an owner', async () => {
      await storage.createDoc('adas', ada)
      await storage.createDoc('legacy')
      expect(await storage.deleteDoc('adas', 'u_bob')).toEqual({ outcome: 'forbidden', owner: ada })
      expect(await storage.renameDoc('adas', 'bobs', 'u_bob')).toEqual({
        outcome: 'forbidden',
        owner: ada,
      })
      expect(await storage.deleteDoc('legacy', 'u_ada')).toEqual({
        outcome: 'forbidden',
        owner: null,
      })
      expect(await storage.getDoc('adas')).toBeDefined()
      expect(await storage.getDoc('bobs')).toBeUndefined()
    })

    it('deletes a document with its updates, and renames one with them, its owner and preview', async () => {
      await storage.appendDocUpdate('old', edit(new Y.Doc(), 'text'), { ...first, creator: ada })
      await storage.setPreview('old', 0, 'text')
      await storage.createDoc('taken')
      expect(await storage.renameDoc('old', 'taken', 'u_ada')).toEqual({ outcome: 'taken' })
      expect(await storage.renameDoc('missing', 'new', 'u_ada')).toEqual({ outcome: 'missing' })
      expect(await storage.renameDoc('old', 'new', 'u_ada')).toEqual({
        outcome: 'renamed',
        generation: 0,
        toGeneration: 0,
        doc: expect.objectContaining({ name: 'new', owner: ada, preview: 'text' }),
      })
      expect(await storage.getDoc('old')).toBeUndefined()
      expect(textOf(await storage.loadDocUpdates('new'))).toBe('text')
      // The owner's quota still counts it, once.
      expect(await storage.countDocsCreatedBy('u_ada')).toBe(1)
      expect(await storage.deleteDoc('new', 'u_ada')).toEqual({ outcome: 'deleted', generation: 0 })
      expect(await storage.deleteDoc('new', 'u_ada')).toEqual({ outcome: 'missing' })
      expect(await storage.loadDocUpdates('new')).toEqual([])
    })

    it('remembers who renamed or deleted a name, and where a renamed one went', async () => {
      await storage.createDoc('draft', ada)
      expect(await storage.lookupDoc('never')).toEqual({ doc: null, gone: null })
      expect(await storage.lookupDoc('draft')).toEqual({
        doc: expect.objectContaining({ name: 'draft', owner: ada }),
        gone: null,
      })
      await storage.renameDoc('draft', 'final', 'u_ada', ada)
      expect(await storage.lookupDoc('draft')).toEqual({
        doc: null,
        gone: { kind: 'renamed', to: 'final', by: ada, at: expect.any(Number) },
      })
      await storage.deleteDoc('final', 'u_ada', { id: 'u_ada', name: 'Ada Lovelace' })
      expect(await storage.lookupDoc('final')).toEqual({
        doc: null,
        gone: {
          kind: 'deleted',
          by: { id: 'u_ada', name: 'Ada Lovelace' },
          at: expect.any(Number),
        },
      })
      // Creating the name again, deliberately, makes it a document again.
      await storage.createDoc('final', bob)
      expect(await storage.lookupDoc('final')).toMatchObject({ doc: { owner: bob }, gone: null })
    })

    it('never lets a copy loaded before a delete write the document back', async () => {
      const memory = new Y.Doc()
      await storage.appendDocUpdate('doomed', edit(memory, 'a'), { ...first, creator: ada })
      const copy = await storage.loadDoc('doomed')
      expect(await storage.deleteDoc('doomed', 'u_ada')).toMatchObject({ outcome: 'deleted' })

      const late = { generation: copy.generation }
      const gone = { ok: false, gone: { kind: 'deleted' } }
      expect(await storage.appendDocUpdate('doomed', edit(memory, 'b'), late)).toEqual(gone)
      expect(
        await storage.compactDoc('doomed', merge, {
          ...late,
          include: Y.encodeStateAsUpdate(memory),
        }),
      ).toEqual({ ...gone, before: 0, after: 0 })
      await storage.setPreview('doomed', copy.generation, 'zombie')
      expect(await storage.getDoc('doomed')).toBeUndefined()
      expect(await storage.loadDocUpdates('doomed')).toEqual([])

      // The name is free: a copy loaded now writes a new document, which the old copy cannot touch.
      const fresh = await storage.loadDoc('doomed')
      expect(fresh).toEqual({ generation: 1, updates: [] })
      expect(
        await storage.appendDocUpdate('doomed', edit(new Y.Doc(), 'new'), {
          generation: fresh.generation,
          creator: bob,
        }),
      ).toEqual({ ok: true })
      expect(await storage.appendDocUpdate('doomed', edit(memory, 'c'), late)).toEqual(gone)
      expect(textOf(await storage.loadDocUpdates('doomed'))).toBe('new')
      expect(await storage.getDoc('doomed')).toMatchObject({ owner: bob })
      expect(await storage.fatesOf([{ name: 'doomed', generation: 0 }])).toEqual(
        new Map([['doomed', { kind: 'deleted' }]]),
      )
      expect(await storage.fatesOf([{ name: 'doomed', generation: 1 }])).toEqual(new Map())
    })

    it('tells a copy loaded before a rename where its document went', async () => {
      await storage.appendDocUpdate('draft', edit(new Y.Doc(), 'x'), { ...first, creator: ada })
      const copy = await storage.loadDoc('draft')
      await storage.renameDoc('draft', 'final', 'u_ada')
      const renamed = { kind: 'renamed', to: 'final', generation: 0 }
      expect(
        await storage.appendDocUpdate('draft', new Uint8Array([0, 0]), {
          generation: copy.generation,
        }),
      ).toEqual({ ok: false, gone: renamed })
      expect(await storage.getDoc('draft')).toBeUndefined()
      expect(await storage.fatesOf([{ name: 'draft', generation: 0 }])).toEqual(
        new Map([['draft', renamed]]),
      )
      // A name that was never there is nobody's news.
      expect(await storage.fatesOf([{ name: 'unborn', generation: 0 }])).toEqual(new Map())
    })

    it('lets a delete that commits during an append win: the append is refused, nothing comes back (PostgreSQL)', async (context) => {
      const { options } = testDatabase
      if (options.kind !== 'postgres') return context.skip()
      const memory = new Y.Doc()
      await storage.appendDocUpdate('raced', edit(memory, 'a'), { ...first, creator: ada })
      // Another instance's delete holds the row when the append starts, and commits after.
      const other = new pg.Client({ connectionString: options.url })
      await other.connect()
      try {
        await other.query('begin')
        await other.query(`delete from ${options.schema}.docs where name = $1`, ['raced'])
        await other.query(
          `insert into ${options.schema}.doc_tombstones (name, generation, deleted_at) values ($1, 1, $2)`,
          ['raced', Date.now()],
        )
        const append = storage.appendDocUpdate('raced', edit(memory, 'b'), first)
        await new Promise((resolve) => setTimeout(resolve, 300))
        await other.query('commit')
        expect(await append).toEqual({ ok: false, gone: { kind: 'deleted' } })
      } finally {
        await other.end()
      }
      expect(await storage.getDoc('raced')).toBeUndefined()
      expect(await storage.loadDocUpdates('raced')).toEqual([])
    })

    it('pages the list, newest edit first, ties by name', async () => {
      for (const name of ['c', 'a', 'b', 'd']) await storage.createDoc(name)
      // An edit a moment later takes 'd' to the top.
      await new Promise((resolve) => setTimeout(resolve, 5))
      await storage.appendDocUpdate('d', new Uint8Array([0, 0]), first)
      const firstPage = await storage.listDocs({ limit: 2 })
      const newest = firstPage[0]
      expect(newest?.name).toBe('d')
      const last = firstPage[1]
      if (!last) throw new Error('no second document')
      const rest = await storage.listDocs({ limit: 10, after: last })
      const names = [...firstPage, ...rest].map((doc) => doc.name)
      expect(names).toHaveLength(4)
      expect(new Set(names)).toEqual(new Set(['a', 'b', 'c', 'd']))
      // Same updatedAt (created in one millisecond or not), ordered by name after 'd'.
      const sorted = [...firstPage, ...rest].slice(1)
      expect(sorted).toEqual(
        [...sorted].sort((x, y) => y.updatedAt - x.updatedAt || x.name.localeCompare(y.name)),
      )
      expect(await storage.listDocs({ limit: 10, after: rest.at(-1) })).toEqual([])
    })
  })

  describe('reopening the database', () => {
    it('keeps documents', async () => {
      await storage.createDoc('notes')
      const doc = new Y.Doc()
      doc.getText('content').insert(0, 'still here')
      await storage.appendDocUpdate('notes', Y.encodeStateAsUpdate(doc), { generation: 0 })
      await database.close()

      storage = await open()
      const reloaded = new Y.Doc()
      for (const update of await storage.loadDocUpdates('notes')) Y.applyUpdate(reloaded, update)
      expect(reloaded.getText('content').toString()).toBe('still here')
    })
  })
})
