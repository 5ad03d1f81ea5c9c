import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { clusterServices, createTestSchema, type TestSchema } from '../cluster-test-helpers.ts'
import { SQLITE_FILE, createStorage, migrateStorage, type Storage } from './storage.ts'

const ada = { id: 'u_ada', name: 'Ada' }
const bob = { id: 'u_bob', name: 'Bob' }

const services = await clusterServices()

// The same contract, run against SQLite (embedded mode) and PostgreSQL (cluster mode).
describe.each([
  { kind: 'sqlite' as const, skip: false },
  { kind: 'postgres' as const, skip: !services.ok },
])('$kind storage', ({ kind, skip }) => {
  let dir: string
  let schema: TestSchema | undefined
  let storage: Storage

  async function open(): Promise<Storage> {
    return kind === 'sqlite'
      ? createStorage({ kind: 'sqlite', file: path.join(dir, SQLITE_FILE) })
      : createStorage({ kind: 'postgres', url: services.databaseUrl, schema: schema?.name })
  }

  beforeEach(async (context) => {
    if (skip) return context.skip()
    if (kind === 'sqlite') dir = await mkdtemp(path.join(tmpdir(), 'duplex-storage-'))
    else schema = await createTestSchema(services.databaseUrl)
    storage = await open()
  })

  afterEach(async () => {
    if (skip) return
    await storage.close()
    if (kind === 'sqlite') await rm(dir, { recursive: true, force: true })
    else await schema?.drop()
  })

  describe('chat storage', () => {
    it('creates a room once', async () => {
      expect((await storage.ensureRoom('general', ada.id)).created).toBe(true)
      expect((await storage.ensureRoom('general', bob.id)).created).toBe(false)
      expect((await storage.listRooms()).map((room) => room.id)).toEqual(['general'])
    })

    it('assigns growing ids and returns the stored message', async () => {
      await storage.ensureRoom('general', null)
      const first = await storage.insertMessage({
        roomId: 'general',
        user: ada,
        text: 'hi',
        clientId: 'c1',
        ts: 1,
      })
      const second = await storage.insertMessage({
        roomId: 'general',
        user: bob,
        text: 'yo',
        clientId: 'c1',
        ts: 2,
      })
      expect(first).toEqual({
        created: true,
        message: {
          id: expect.any(Number),
          roomId: 'general',
          userId: 'u_ada',
          userName: 'Ada',
          text: 'hi',
          ts: 1,
          clientId: 'c1',
        },
      })
      // The same clientId from another user is another message.
      expect(second.created).toBe(true)
      expect(second.message.id).toBeGreaterThan(first.message.id)
    })

    it('stores a message once when the same user sends the same clientId again', async () => {
      await storage.ensureRoom('general', null)
      const input = { roomId: 'general', user: ada, text: 'once', clientId: 'retry-1', ts: 5 }
      const [a, b] = await Promise.all([
        storage.insertMessage(input),
        storage.insertMessage({ ...input, ts: 6 }),
      ])
      expect([a.created, b.created].sort()).toEqual([false, true])
      expect(a.message).toEqual(b.message)
      expect((await storage.listMessages('general', { limit: 10 })).messages).toHaveLength(1)
    })

    it('pages history backwards with before and limit, oldest first in each page', async () => {
      await storage.ensureRoom('general', null)
      await storage.ensureRoom('other', null)
      const ids: number[] = []
      for (let i = 0; i < 7; i++) {
        const { message } = await storage.insertMessage({
          roomId: 'general',
          user: ada,
          text: `m${i}`,
          clientId: `c${i}`,
          ts: i,
        })
        ids.push(message.id)
        // Interleave another room, so ids of one room are not contiguous.
        await storage.insertMessage({
          roomId: 'other',
          user: ada,
          text: 'x',
          clientId: `o${i}`,
          ts: i,
        })
      }
      const latest = await storage.listMessages('general', { limit: 3 })
      expect(latest.messages.map((m) => m.text)).toEqual(['m4', 'm5', 'm6'])
      expect(latest.hasMore).toBe(true)
      const older = await storage.listMessages('general', {
        before: latest.messages[0]?.id,
        limit: 3,
      })
      expect(older.messages.map((m) => m.text)).toEqual(['m1', 'm2', 'm3'])
      const oldest = await storage.listMessages('general', {
        before: older.messages[0]?.id,
        limit: 3,
      })
      expect(oldest.messages.map((m) => m.text)).toEqual(['m0'])
      expect(oldest.hasMore).toBe(false)
      expect(await storage.hasMessage('general', ids[0] ?? 0)).toBe(true)
      expect(await storage.hasMessage('other', ids[0] ?? 0)).toBe(false)
    })

    it('only moves read receipts forward', async () => {
      await storage.ensureRoom('general', null)
      expect(
        await storage.markRead({
          roomId: 'general',
          userId: ada.id,
          userName: ada.name,
          messageId: 5,
        }),
      ).toBe(true)
      expect(
        await storage.markRead({
          roomId: 'general',
          userId: ada.id,
          userName: ada.name,
          messageId: 3,
        }),
      ).toBe(false)
      expect(
        await storage.markRead({
          roomId: 'general',
          userId: ada.id,
          userName: ada.name,
          messageId: 5,
        }),
      ).toBe(false)
      expect(
        await storage.markRead({
          roomId: 'general',
          userId: ada.id,
          userName: ada.name,
          messageId: 9,
        }),
      ).toBe(true)
      expect(await storage.listReads('general')).toEqual([
        { roomId: 'general', userId: 'u_ada', userName: 'Ada', messageId: 9 },
      ])
    })
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
      if (kind !== 'postgres' || !schema) return context.skip()
      await storage.createDoc('notes')
      const memory = new Y.Doc()
      await storage.appendDocUpdate('notes', edit(memory, 'a'))
      // Another connection takes the next id, then a later id commits first.
      const late = new pg.Client({ connectionString: services.databaseUrl })
      await late.connect()
      try {
        await late.query('begin')
        await late.query(
          `insert into ${schema.name}.doc_updates (doc_name, data, created_at) values ($1, $2, $3)`,
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

    it('refuses an update for a document that does not exist', async () => {
      await expect(storage.appendDocUpdate('ghost', new Uint8Array([0]))).rejects.toThrow()
    })
  })

  describe('reopening the database', () => {
    it('keeps rooms, messages and documents', async () => {
      await storage.ensureRoom('general', null)
      await storage.insertMessage({
        roomId: 'general',
        user: ada,
        text: 'persisted',
        clientId: 'p1',
        ts: 1,
      })
      await storage.createDoc('notes')
      const doc = new Y.Doc()
      doc.getText('content').insert(0, 'still here')
      await storage.appendDocUpdate('notes', Y.encodeStateAsUpdate(doc))
      await storage.close()

      storage = await open()
      expect((await storage.listRooms()).map((r) => r.id)).toEqual(['general'])
      expect(
        (await storage.listMessages('general', { limit: 10 })).messages.map((m) => m.text),
      ).toEqual(['persisted'])
      const reloaded = new Y.Doc()
      for (const update of await storage.loadDocUpdates('notes')) Y.applyUpdate(reloaded, update)
      expect(reloaded.getText('content').toString()).toBe('still here')
      // And the dedupe index survived too.
      const retry = await storage.insertMessage({
        roomId: 'general',
        user: ada,
        text: 'persisted',
        clientId: 'p1',
        ts: 2,
      })
      expect(retry.created).toBe(false)
    })
  })
})

describe('migrations', () => {
  it('runs twice at once on one PostgreSQL schema: one applies, the other finds nothing to do', async (context) => {
    if (!services.ok) return context.skip()
    const schema = await createTestSchema(services.databaseUrl)
    try {
      const options = { kind: 'postgres' as const, url: services.databaseUrl, schema: schema.name }
      const [first, second] = await Promise.all([migrateStorage(options), migrateStorage(options)])
      expect([first, second].map((applied) => applied.length).sort()).toEqual([0, 1])
      expect(await migrateStorage(options)).toEqual([])
      const storage = await createStorage(options)
      expect((await storage.ensureRoom('general', null)).created).toBe(true)
      await storage.close()
    } finally {
      await schema.drop()
    }
  })
})
