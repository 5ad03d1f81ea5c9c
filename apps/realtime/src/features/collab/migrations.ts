import { sql, type Kysely, type Migration } from 'kysely'
import * as Y from 'yjs'
import type { StorageDialect } from '../../shared/storage/database.ts'
import { previewOfDoc } from './preview.ts'

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
    // Generations and tombstones, so a delete or rename is final on every instance: a write from a
    // copy loaded before it carries an older generation and is refused (see repository.ts). The
    // owner's display name, for the list. The preview line, stored so the list never reads
    // document contents (backfilled once here), and an index for the list's keyset pages.
    collab_0003_generations: {
      async up(db: Kysely<unknown>) {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        await db.schema
          .alterTable('docs')
          .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
          .execute()
        await db.schema.alterTable('docs').addColumn('owner_name', 'text').execute()
        await db.schema
          .alterTable('docs')
          .addColumn('preview', 'text', (c) => c.notNull().defaultTo(''))
          .execute()
        await db.schema
          .createTable('doc_tombstones')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('generation', 'integer', (c) => c.notNull())
          .addColumn('renamed_to', 'text')
          .addColumn('renamed_to_generation', 'integer')
          .addColumn('deleted_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex('docs_updated_at_name')
          .on('docs')
          .columns(['updated_at desc', 'name'])
          .execute()
        const { rows: names } = await sql<{ name: string }>`select name from docs`.execute(db)
        for (const { name } of names) {
          const { rows } = await sql<{ data: Uint8Array }>`
            select data from doc_updates where doc_name = ${name} order by id`.execute(db)
          if (rows.length === 0) continue
          const doc = new Y.Doc()
          Y.transact(doc, () => {
            for (const row of rows) Y.applyUpdate(doc, new Uint8Array(row.data))
          })
          const preview = previewOfDoc(doc)
          doc.destroy()
          await sql`update docs set preview = ${preview} where name = ${name}`.execute(db)
        }
      },
    },
    // Who deleted or renamed a name away (their id and display name then), so an editor that had
    // it open, and anyone opening the old URL later, can be told by whom. Older tombstones: null.
    collab_0004_tombstone_actor: {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('doc_tombstones').addColumn('by_id', 'text').execute()
        await db.schema.alterTable('doc_tombstones').addColumn('by_name', 'text').execute()
      },
    },
  }
}

/** Collab's tables, children first: what `retired-features.ts` drops if collab is removed. */
export const COLLAB_TABLES = ['doc_tombstones', 'doc_updates', 'docs'] as const
