import {
  DATABASE_KINDS,
  createTestDatabase,
  type TestDatabase,
} from '../../shared/storage/test-database.ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../shared/storage/database.ts'
import { collectMigrations } from '../../shared/storage/migrations.ts'
import { chatMigrations } from './migrations.ts'
import { createChatRepository, type ChatStore, type ChatTables } from './repository.ts'

const ada = { id: 'u_ada', name: 'Ada' }
const bob = { id: 'u_bob', name: 'Bob' }

// The same contract, run against SQLite (single mode) and PostgreSQL (cluster mode).
describe.each(DATABASE_KINDS)('$kind chat repository', ({ kind, skip }) => {
  let testDatabase: TestDatabase
  let database: Database
  let storage: ChatStore

  async function open(): Promise<ChatStore> {
    database = await openDatabase(testDatabase.options, (dialect) =>
      collectMigrations(dialect, [{ name: 'chat', migrations: chatMigrations }]),
    )
    return createChatRepository(database.db.withTables<ChatTables>())
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

  describe('chat storage', () => {
    it('keeps a room’s name exactly as typed and gives it a URL-safe slug of its own', async () => {
      const uber = await storage.createNamedRoom('ÜBER café', ada.id)
      expect(uber).toMatchObject({ created: true, room: { id: 'uber-cafe', name: 'ÜBER café' } })
      const design = await storage.createNamedRoom('设计评审', ada.id)
      expect(design.room).toMatchObject({ id: 'room', name: '设计评审' })
      const party = await storage.createNamedRoom('🎉 👩🏽‍💻', ada.id)
      expect(party.room).toMatchObject({ id: 'room-2', name: '🎉 👩🏽‍💻' })
      const traversal = await storage.createNamedRoom('../etc', ada.id)
      expect(traversal.room).toMatchObject({ id: 'etc', name: '../etc' })
      // The same name is the same room; a slug taken by another name gets a suffix.
      expect(await storage.createNamedRoom('ÜBER café', bob.id)).toMatchObject({
        created: false,
        room: { id: 'uber-cafe' },
      })
      expect((await storage.createNamedRoom('Uber Cafe', bob.id)).room.id).toBe('uber-cafe-2')
      expect(await storage.findRoom('room')).toMatchObject({ name: '设计评审' })
      expect((await storage.listRooms()).rooms.map((room) => room.name)).toEqual([
        'ÜBER café',
        '设计评审',
        '🎉 👩🏽‍💻',
        '../etc',
        'Uber Cafe',
      ])
    })

    it('names a room made by id after its id, and finds nothing for an unknown id', async () => {
      expect((await storage.ensureRoom('team-42', ada.id)).room.name).toBe('team-42')
      expect(await storage.findRoom('no-such-room')).toBeUndefined()
      expect(await storage.hasRoomNamed('team-42')).toBe(true)
    })

    it('numbers messages per room from 1, and a retried send keeps its number', async () => {
      await storage.ensureRoom('general', null)
      await storage.ensureRoom('random', null)
      const send = (roomId: string, clientId: string) =>
        storage.insertMessage({ roomId, user: ada, text: clientId, clientId, ts: 1 })
      expect((await send('random', 'r1')).message.seq).toBe(1)
      expect((await send('random', 'r2')).message.seq).toBe(2)
      expect((await send('general', 'g1')).message.seq).toBe(1)
      const retried = await send('general', 'g1')
      expect(retried).toMatchObject({ created: false, message: { seq: 1 } })
      expect((await send('general', 'g2')).message.seq).toBe(2)
      const page = await storage.listMessages('general', { limit: 10 })
      expect(page.messages.map((m) => m.seq)).toEqual([1, 2])
    })

    it('gives racing sends of one room distinct numbers without gaps', async () => {
      await storage.ensureRoom('general', null)
      const sends = Array.from({ length: 12 }, (_, i) =>
        storage.insertMessage({
          roomId: 'general',
          user: i % 2 ? ada : bob,
          text: `m${i}`,
          // Every third one is a retry of the one before it.
          clientId: `c${i - (i % 3 === 2 ? 1 : 0)}`,
          ts: i,
        }),
      )
      await Promise.all(sends)
      const page = await storage.listMessages('general', { limit: 50 })
      expect(page.messages.map((m) => m.seq)).toEqual(
        Array.from({ length: page.messages.length }, (_, i) => i + 1),
      )
    })

    it('creates a room once', async () => {
      expect((await storage.ensureRoom('general', ada.id)).created).toBe(true)
      expect((await storage.ensureRoom('general', bob.id)).created).toBe(false)
      expect((await storage.listRooms()).rooms.map((room) => room.id)).toEqual(['general'])
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
          seq: 1,
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

  describe('reopening the database', () => {
    it('keeps rooms and messages', async () => {
      await storage.ensureRoom('general', null)
      await storage.insertMessage({
        roomId: 'general',
        user: ada,
        text: 'persisted',
        clientId: 'p1',
        ts: 1,
      })
      await database.close()

      storage = await open()
      expect((await storage.listRooms()).rooms.map((r) => r.id)).toEqual(['general'])
      expect(
        (await storage.listMessages('general', { limit: 10 })).messages.map((m) => m.text),
      ).toEqual(['persisted'])
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
