import type { Kysely, Migration } from 'kysely'
import { sql } from 'kysely'
import { openDatabase, type DatabaseOptions, type StorageDialect } from './database.ts'

// Tests only: databases as older versions of this server left them.

/**
 * `0001_initial` as it shipped before the tables moved into the features: every table of chat
 * and collab in one migration. Frozen here, so the test keeps meeting the databases it made.
 */
export function legacyInitial(dialect: StorageDialect): Migration {
  const types =
    dialect === 'sqlite'
      ? ({ bytes: 'blob', serial: 'integer' } as const)
      : ({ bytes: 'bytea', serial: 'serial' } as const)
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('rooms')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .execute()
      await db.schema
        .createTable('messages')
        .addColumn('id', types.serial, (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('ts', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('messages_client_id_unique')
        .on('messages')
        .columns(['room_id', 'user_id', 'client_id'])
        .unique()
        .execute()
      await db.schema
        .createIndex('messages_room_id_id')
        .on('messages')
        .columns(['room_id', 'id'])
        .execute()
      await db.schema
        .createTable('read_receipts')
        .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('message_id', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('read_receipts_pk', ['room_id', 'user_id'])
        .execute()
      await db.schema
        .createTable('docs')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createTable('doc_updates')
        .addColumn('id', types.serial, (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('doc_name', 'text', (c) =>
          c.notNull().references('docs.name').onDelete('cascade'),
        )
        .addColumn('data', types.bytes, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('doc_updates_doc_name_id')
        .on('doc_updates')
        .columns(['doc_name', 'id'])
        .execute()
    },
  }
}

/** The tables of a database, without Kysely's own, sorted. */
export async function tablesOf(options: DatabaseOptions): Promise<string[]> {
  const database = await openDatabase(options)
  try {
    const { rows } =
      database.dialect === 'sqlite'
        ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
            database.db,
          )
        : await sql<{ name: string }>`select table_name as name from information_schema.tables
            where table_schema = current_schema()`.execute(database.db)
    return rows
      .map((row) => row.name)
      .filter((name) => !name.startsWith('kysely_') && !name.startsWith('sqlite_'))
      .sort()
  } finally {
    await database.close()
  }
}
