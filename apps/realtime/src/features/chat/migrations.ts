import type { Kysely, Migration } from 'kysely'
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
  }
}

/** Chat's tables, children first: what `retired-features.ts` drops if chat is removed. */
export const CHAT_TABLES = ['read_receipts', 'messages', 'rooms'] as const
