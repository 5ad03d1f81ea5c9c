import type { Kysely, Migration } from 'kysely'
import type { StorageDialect } from '../../shared/storage/database.ts'

/**
 * Collab's tables. Names start with `collab_`; never edit one that has shipped, add one.
 *
 * `collab_0001_initial` uses IF NOT EXISTS throughout: databases that ran the old shared
 * `0001_initial` already have these tables (and their documents), and keep them.
 */
export function collabMigrations(dialect: StorageDialect): Record<string, Migration> {
  const types =
    dialect === 'sqlite'
      ? ({ bytes: 'blob', serial: 'integer' } as const)
      : // int4 ids keep the pg driver returning numbers; int8 would come back as strings.
        ({ bytes: 'bytea', serial: 'serial' } as const)
  return {
    collab_0001_initial: {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('docs')
          .ifNotExists()
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute()

        await db.schema
          .createTable('doc_updates')
          .ifNotExists()
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
          .ifNotExists()
          .on('doc_updates')
          .columns(['doc_name', 'id'])
          .execute()
      },
    },
    // Who created each document, for the per-user quota (YJS_DOC_QUOTA). Older rows stay null:
    // nobody's quota counts them.
    collab_0002_doc_owner: {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('docs').addColumn('created_by', 'text').execute()
      },
    },
  }
}

/** Collab's tables, children first: what `retired-features.ts` drops if collab is removed. */
export const COLLAB_TABLES = ['doc_updates', 'docs'] as const
