import { sql, type Kysely, type Migration } from 'kysely'
import type { StorageDialect } from '../../shared/storage/database.ts'

/**
 * Chat's tables. Names start with `chat_`; never edit one that has shipped, add one.
 *
 * `chat_0001_initial` uses IF NOT EXISTS throughout: databases that ran the old shared
 * `0001_initial` already have these tables (and their data), and keep them.
 */
export function chatMigrations(dialect: StorageDialect): Record<string, Migration> {
  // int4 ids keep the pg driver returning numbers; int8 would come back as strings.
  const serial = dialect === 'sqlite' ? 'integer' : 'serial'
  return {
    chat_0001_initial: {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('rooms')
          .ifNotExists()
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('created_by', 'text')
          .execute()

        await db.schema
          .createTable('messages')
          .ifNotExists()
          .addColumn('id', serial, (c) =>
            dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('room_id', 'text', (c) =>
            c.notNull().references('rooms.id').onDelete('cascade'),
          )
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('user_name', 'text', (c) => c.notNull())
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('client_id', 'text', (c) => c.notNull())
          .addColumn('ts', 'bigint', (c) => c.notNull())
          .execute()
        // A retried send (same user, room and clientId) must hit this, not a second row.
        await db.schema
          .createIndex('messages_client_id_unique')
          .ifNotExists()
          .on('messages')
          .columns(['room_id', 'user_id', 'client_id'])
          .unique()
          .execute()
        await db.schema
          .createIndex('messages_room_id_id')
          .ifNotExists()
          .on('messages')
          .columns(['room_id', 'id'])
          .execute()

        await db.schema
          .createTable('read_receipts')
          .ifNotExists()
          .addColumn('room_id', 'text', (c) =>
            c.notNull().references('rooms.id').onDelete('cascade'),
          )
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('user_name', 'text', (c) => c.notNull())
          .addColumn('message_id', 'integer', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('read_receipts_pk', ['room_id', 'user_id'])
          .execute()
      },
    },

    /**
     * Room names as typed (`rooms.name`, the slug stays `rooms.id`) and message numbers per room
     * (`messages.seq`, counted by `rooms.last_seq`). Existing rooms are named by their id and
     * their messages numbered 1, 2, 3… in id order.
     */
    chat_0002_room_names_and_seq: {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('rooms').addColumn('name', 'text').execute()
        await db.schema
          .alterTable('rooms')
          .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
          .execute()
        await db.schema.alterTable('messages').addColumn('seq', 'integer').execute()
        await sql`UPDATE rooms SET name = id WHERE name IS NULL`.execute(db)
        // A correlated count rather than a window function: the same statement on both backends,
        // and the (room_id, id) index keeps it cheap.
        await sql`
          UPDATE messages SET seq = (
            SELECT COUNT(*) FROM messages AS earlier
            WHERE earlier.room_id = messages.room_id AND earlier.id <= messages.id
          )`.execute(db)
        await sql`
          UPDATE rooms SET last_seq = (
            SELECT COALESCE(MAX(seq), 0) FROM messages WHERE messages.room_id = rooms.id
          )`.execute(db)
        await db.schema
          .createIndex('rooms_name_unique')
          .on('rooms')
          .column('name')
          .unique()
          .execute()
        await db.schema
          .createIndex('messages_room_id_seq_unique')
          .on('messages')
          .columns(['room_id', 'seq'])
          .unique()
          .execute()
      },
    },
  }
}

/** Chat's tables, children first: what `retired-features.ts` drops if chat is removed. */
export const CHAT_TABLES = ['read_receipts', 'messages', 'rooms'] as const
