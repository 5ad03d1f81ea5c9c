import {
  roomSlugBase,
  type ChatMessage,
  type MessageId,
  type ReadReceipt,
  type RoomId,
} from '@duplex/protocol/chat'
import type { SessionUser } from '@duplex/protocol/session'
import type { Generated, Kysely } from 'kysely'

// Table and column names are camelCase here and snake_case in the database (CamelCasePlugin).
// Timestamps are ms since the epoch. The tables are created by `chat_0001_initial`; names and
// per-room numbers come with `chat_0002_room_names_and_seq`.

export interface RoomsTable {
  /** The slug. */
  id: string
  /** As typed; set on every row since chat_0002 (rooms made by id are named by it). */
  name: string
  createdAt: number
  createdBy: string | null
  /** The `seq` of the room's newest message (0 when it has none). */
  lastSeq: Generated<number>
}

export interface MessagesTable {
  /** One global sequence for all rooms (see MessageIdSchema). */
  id: Generated<number>
  /** Its number within the room (see MessageSeqSchema). */
  seq: number
  roomId: string
  userId: string
  userName: string
  text: string
  clientId: string
  ts: number
}

export interface ReadReceiptsTable {
  roomId: string
  userId: string
  userName: string
  messageId: number
  updatedAt: number
}

/** Chat's tables, for `database.db.withTables<ChatTables>()`. */
export type ChatTables = {
  rooms: RoomsTable
  messages: MessagesTable
  readReceipts: ReadReceiptsTable
}

/** A room as stored; who is online is not the store's business. */
export interface StoredRoom {
  id: RoomId
  name: string
  createdAt: number
}

export interface NewMessage {
  roomId: RoomId
  user: SessionUser
  text: string
  clientId: string
  ts: number
}

export interface HistoryPage {
  /** Oldest first. */
  messages: ChatMessage[]
  /** Whether messages older than the first one exist. */
  hasMore: boolean
}

/** What chat needs from storage. */
export interface ChatStore {
  /**
   * Creates the room unless it exists, named by its slug. When another room already carries that
   * name, that room is the answer (`created: false`): a name means one room.
   */
  ensureRoom(
    roomId: RoomId,
    createdBy: string | null,
  ): Promise<{ room: StoredRoom; created: boolean }>
  /**
   * Creates a room named exactly `name` under a new unique slug ({@link roomSlugBase}, then `-2`,
   * `-3`…), or answers the room that already has this name (`created: false`).
   */
  createNamedRoom(
    name: string,
    createdBy: string | null,
  ): Promise<{ room: StoredRoom; created: boolean }>
  findRoom(roomId: RoomId): Promise<StoredRoom | undefined>
  /**
   * Rooms oldest first, at most `limit` of them, starting after the room `after` (from the
   * start when absent or unknown).
   */
  listRooms(options?: {
    after?: RoomId | undefined
    limit?: number
  }): Promise<{ rooms: StoredRoom[]; hasMore: boolean }>
  hasRoom(roomId: RoomId): Promise<boolean>
  hasRoomNamed(name: string): Promise<boolean>
  countRooms(): Promise<number>
  /**
   * Stores a message with a new id and the room's next `seq`, or, when this user already sent `clientId` in this room,
   * returns the message stored then (`created: false`). The unique index decides, so two racing
   * retries still yield one row.
   */
  insertMessage(message: NewMessage): Promise<{ message: ChatMessage; created: boolean }>
  /** The `limit` newest messages older than `before` (or than anything, when absent). */
  listMessages(
    roomId: RoomId,
    options: { before?: MessageId | undefined; limit: number },
  ): Promise<HistoryPage>
  hasMessage(roomId: RoomId, messageId: MessageId): Promise<boolean>
  /** Moves a user's read marker forward. False when it already was at or past `messageId`. */
  markRead(receipt: ReadReceipt): Promise<boolean>
  listReads(roomId: RoomId): Promise<ReadReceipt[]>
}

/**
 * Chat's queries: rooms, messages and read receipts, the same on SQLite and PostgreSQL.
 *
 * @example
 * const store = createChatRepository(database.db.withTables<ChatTables>())
 * await store.ensureRoom('general', null)
 */
export function createChatRepository(db: Kysely<ChatTables>): ChatStore {
  const messageColumns = [
    'id',
    'seq',
    'roomId',
    'userId',
    'userName',
    'text',
    'ts',
    'clientId',
  ] as const
  const roomColumns = ['id', 'name', 'createdAt'] as const

  const findRoomBy = (column: 'id' | 'name', value: string): Promise<StoredRoom | undefined> =>
    db.selectFrom('rooms').select(roomColumns).where(column, '=', value).executeTakeFirst()

  /** Inserts unless the slug or the name is taken (either unique index); the row when inserted. */
  const tryInsertRoom = (id: string, name: string, createdBy: string | null) =>
    db
      .insertInto('rooms')
      .values({ id, name, createdAt: Date.now(), createdBy })
      .onConflict((oc) => oc.doNothing())
      .returning(roomColumns)
      .executeTakeFirst()

  // What a retried send stored the first time: the row its unique index kept.
  const findMessageByClientId = (
    roomId: RoomId,
    userId: string,
    clientId: string,
  ): Promise<ChatMessage | undefined> =>
    db
      .selectFrom('messages')
      .select(messageColumns)
      .where('roomId', '=', roomId)
      .where('userId', '=', userId)
      .where('clientId', '=', clientId)
      .executeTakeFirst()

  return {
    async ensureRoom(roomId, createdBy) {
      const inserted = await tryInsertRoom(roomId, roomId, createdBy)
      if (inserted) return { room: inserted, created: true }
      const room = (await findRoomBy('id', roomId)) ?? (await findRoomBy('name', roomId))
      if (!room) throw new Error(`room ${roomId} conflicted but cannot be found`)
      return { room, created: false }
    },

    async createNamedRoom(name, createdBy) {
      const existing = await findRoomBy('name', name)
      if (existing) return { room: existing, created: false }
      const base = roomSlugBase(name)
      // A slug taken by another room moves on to the next suffix; the name taken meanwhile (a
      // racing create of the same name) answers that room.
      for (let n = 1; n <= 1000; n++) {
        const slug = n === 1 ? base : `${base}-${n}`
        const inserted = await tryInsertRoom(slug, name, createdBy)
        if (inserted) return { room: inserted, created: true }
        const raced = await findRoomBy('name', name)
        if (raced) return { room: raced, created: false }
      }
      throw new Error(`no free slug for a room named ${JSON.stringify(name)}`)
    },

    findRoom(roomId) {
      return findRoomBy('id', roomId)
    },

    async listRooms({ after, limit = Number.MAX_SAFE_INTEGER } = {}) {
      const cursor =
        after === undefined
          ? undefined
          : await db
              .selectFrom('rooms')
              .select(['id', 'createdAt'])
              .where('id', '=', after)
              .executeTakeFirst()
      let query = db
        .selectFrom('rooms')
        .select(roomColumns)
        .orderBy('createdAt')
        .orderBy('id')
        // One extra row tells whether there is a next page without a second query.
        .limit(Math.min(limit, Number.MAX_SAFE_INTEGER - 1) + 1)
      if (cursor) {
        query = query.where((eb) =>
          eb.or([
            eb('createdAt', '>', cursor.createdAt),
            eb.and([eb('createdAt', '=', cursor.createdAt), eb('id', '>', cursor.id)]),
          ]),
        )
      }
      const rows = await query.execute()
      return { rooms: rows.slice(0, limit), hasMore: rows.length > limit }
    },

    async hasRoom(roomId) {
      const row = await db
        .selectFrom('rooms')
        .select('id')
        .where('id', '=', roomId)
        .executeTakeFirst()
      return row !== undefined
    },

    async hasRoomNamed(name) {
      return (await findRoomBy('name', name)) !== undefined
    },

    async countRooms() {
      const row = await db
        .selectFrom('rooms')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .executeTakeFirstOrThrow()
      // PostgreSQL's count is int8, which the driver hands out as a string.
      return Number(row.count)
    },

    async insertMessage({ roomId, user, text, clientId, ts }) {
      const stored = await findMessageByClientId(roomId, user.id, clientId)
      if (stored) return { message: stored, created: false }
      const inserted = await db
        .transaction()
        .execute(async (trx) => {
          // The room's row lock orders racing sends: each takes the next number.
          const { lastSeq } = await trx
            .updateTable('rooms')
            .set((eb) => ({ lastSeq: eb('lastSeq', '+', 1) }))
            .where('id', '=', roomId)
            .returning('lastSeq')
            .executeTakeFirstOrThrow()
          const row = await trx
            .insertInto('messages')
            .values({
              roomId,
              seq: lastSeq,
              userId: user.id,
              userName: user.name,
              text,
              clientId,
              ts,
            })
            .onConflict((oc) => oc.columns(['roomId', 'userId', 'clientId']).doNothing())
            .returning(messageColumns)
            .executeTakeFirst()
          // A racing retry stored it first: roll the number back so the room has no gap.
          if (!row) throw new DuplicateSend()
          return row
        })
        .catch((error: unknown) => {
          if (error instanceof DuplicateSend) return undefined
          throw error
        })
      if (inserted) return { message: inserted, created: true }
      const existing = await findMessageByClientId(roomId, user.id, clientId)
      if (!existing) throw new Error(`message ${clientId} conflicted but cannot be found`)
      return { message: existing, created: false }
    },

    async listMessages(roomId, { before, limit }) {
      let query = db
        .selectFrom('messages')
        .select(messageColumns)
        .where('roomId', '=', roomId)
        .orderBy('id', 'desc')
        // One extra row tells whether there is an older page without a second query.
        .limit(limit + 1)
      if (before !== undefined) query = query.where('id', '<', before)
      const rows = await query.execute()
      const hasMore = rows.length > limit
      return { messages: rows.slice(0, limit).reverse(), hasMore }
    },

    async hasMessage(roomId, messageId) {
      const row = await db
        .selectFrom('messages')
        .select('id')
        .where('roomId', '=', roomId)
        .where('id', '=', messageId)
        .executeTakeFirst()
      return row !== undefined
    },

    async markRead({ roomId, userId, userName, messageId }) {
      const row = await db
        .insertInto('readReceipts')
        .values({ roomId, userId, userName, messageId, updatedAt: Date.now() })
        .onConflict((oc) =>
          oc
            .columns(['roomId', 'userId'])
            .doUpdateSet((eb) => ({
              messageId: eb.ref('excluded.messageId'),
              userName: eb.ref('excluded.userName'),
              updatedAt: eb.ref('excluded.updatedAt'),
            }))
            // Receipts only move forward: a late, older mark-read from another tab changes nothing.
            .where('readReceipts.messageId', '<', (eb) => eb.ref('excluded.messageId')),
        )
        .returning('messageId')
        .executeTakeFirst()
      return row !== undefined
    },

    listReads(roomId) {
      return db
        .selectFrom('readReceipts')
        .select(['roomId', 'userId', 'userName', 'messageId'])
        .where('roomId', '=', roomId)
        .orderBy('updatedAt')
        .execute()
    },
  }
}

/** A send whose clientId another (racing) send of the same message stored first. */
class DuplicateSend extends Error {
  constructor() {
    super('stored by a racing retry')
    this.name = 'DuplicateSend'
  }
}
