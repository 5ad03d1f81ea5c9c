import type { Generated, Insertable, Selectable } from 'kysely'

// Table and column names are camelCase here and snake_case in the database (CamelCasePlugin).
// Timestamps are ms since the epoch.

export interface RoomsTable {
  id: string
  createdAt: number
  createdBy: string | null
}

export interface MessagesTable {
  /** One global sequence for all rooms (see MessageIdSchema). */
  id: Generated<number>
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

export interface DocsTable {
  name: string
  createdAt: number
  updatedAt: number
}

export interface DocUpdatesTable {
  id: Generated<number>
  docName: string
  /** One Yjs update (v1 encoding), or several merged into one by compaction. */
  data: Uint8Array
  createdAt: number
}

export interface Database {
  rooms: RoomsTable
  messages: MessagesTable
  readReceipts: ReadReceiptsTable
  docs: DocsTable
  docUpdates: DocUpdatesTable
}

export type RoomRow = Selectable<RoomsTable>
export type NewMessageRow = Insertable<MessagesTable>
