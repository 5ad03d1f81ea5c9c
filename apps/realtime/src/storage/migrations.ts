import type { Kysely, Migration, MigrationProvider } from 'kysely'

/** SQL dialects the migrations know how to spell column types for. */
export type StorageDialect = 'sqlite' | 'postgres'

/**
 * Every schema change, in order, in code: the bundle ships no .sql files and the server migrates
 * itself on start. Names sort lexically; never edit a migration that has shipped, add one.
 */
export function createMigrationProvider(dialect: StorageDialect): MigrationProvider {
  const types =
    dialect === 'sqlite'
      ? ({ bytes: 'blob', serial: 'integer' } as const)
      : // int4 ids keep the pg driver returning numbers; int8 would come back as strings.
        ({ bytes: 'bytea', serial: 'serial' } as const)

  const migrations: Record<string, Migration> = {
    '0001_initial': {
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
          .addColumn('room_id', 'text', (c) =>
            c.notNull().references('rooms.id').onDelete('cascade'),
          )
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
    },
  }

  return {
    async getMigrations() {
      return migrations
    },
  }
}
