import type { DocInfo } from '@duplex/protocol/collab'
import type { Generated, Kysely } from 'kysely'

// Table and column names are camelCase here and snake_case in the database (CamelCasePlugin).
// Timestamps are ms since the epoch. The tables are created by `collab_0001_initial`.

export interface DocsTable {
  name: string
  createdAt: number
  updatedAt: number
  /** Session user id of the creator (`collab_0002_doc_owner`); null for older documents. */
  createdBy: string | null
}

export interface DocUpdatesTable {
  id: Generated<number>
  docName: string
  /** One Yjs update (v1 encoding), or several merged into one by compaction. */
  data: Uint8Array
  createdAt: number
}

/** Collab's tables, for `database.db.withTables<CollabTables>()`. */
export type CollabTables = {
  docs: DocsTable
  docUpdates: DocUpdatesTable
}

/** What collaborative editing needs from storage: documents as lists of Yjs updates. */
export interface DocStore {
  /** Most recently edited first. */
  listDocs(): Promise<DocInfo[]>
  getDoc(name: string): Promise<DocInfo | undefined>
  /** Creates the document unless it exists; `createdBy` counts it against that user's quota. */
  createDoc(name: string, createdBy?: string): Promise<{ doc: DocInfo; created: boolean }>
  /** Documents `userId` created. */
  countDocsCreatedBy(userId: string): Promise<number>
  /**
   * Appends one update and bumps `updatedAt`, creating the document if this is its first edit:
   * opening a name that nobody types into leaves nothing in the list.
   */
  appendDocUpdate(name: string, update: Uint8Array, createdBy?: string): Promise<void>
  /** Deletes the document and its updates; false when there was none. */
  deleteDoc(name: string): Promise<boolean>
  /** Moves the document and its updates to a new name, in one transaction. */
  renameDoc(from: string, to: string): Promise<'renamed' | 'missing' | 'taken'>
  /** Every stored update of the document, in the order they were stored. */
  loadDocUpdates(name: string): Promise<Uint8Array[]>
  /**
   * Replaces the stored updates of a document by `merge(updates)`, in one transaction. Updates
   * appended while merging are left alone, so nothing written concurrently is lost.
   *
   * `include` is merged in too, even when there is nothing to compact: the state of an in-memory
   * copy that may hold updates storage lacks (cluster mode). Unlike an append, this does not
   * count as an edit, so `updatedAt` stays.
   */
  compactDoc(
    name: string,
    merge: (updates: Uint8Array[]) => Uint8Array,
    include?: Uint8Array,
  ): Promise<{ before: number; after: number }>
}

/**
 * Collab's queries: documents and their Yjs updates, the same on SQLite and PostgreSQL.
 * PostgreSQL `bytea` comes back as a `Buffer` and is handed out as a plain `Uint8Array`.
 *
 * @example
 * const store = createDocRepository(database.db.withTables<CollabTables>())
 * await store.createDoc('notes')
 */
export function createDocRepository(db: Kysely<CollabTables>): DocStore {
  const docColumns = ['name', 'createdAt', 'updatedAt'] as const

  const getDoc: DocStore['getDoc'] = (name) =>
    db.selectFrom('docs').select(docColumns).where('name', '=', name).executeTakeFirst()

  return {
    listDocs() {
      return db
        .selectFrom('docs')
        .select(docColumns)
        .orderBy('updatedAt', 'desc')
        .orderBy('name')
        .execute()
    },

    getDoc,

    async createDoc(name, createdBy) {
      const now = Date.now()
      const inserted = await db
        .insertInto('docs')
        .values({
          name,
          createdAt: now,
          updatedAt: now,
          ...(createdBy !== undefined && { createdBy }),
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .returning(docColumns)
        .executeTakeFirst()
      if (inserted) return { doc: inserted, created: true }
      const doc = await getDoc(name)
      if (!doc) throw new Error(`document ${name} conflicted but cannot be found`)
      return { doc, created: false }
    },

    async countDocsCreatedBy(userId) {
      const row = await db
        .selectFrom('docs')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('createdBy', '=', userId)
        .executeTakeFirstOrThrow()
      // PostgreSQL's count is int8, which the driver hands out as a string.
      return Number(row.count)
    },

    async appendDocUpdate(name, update, createdBy) {
      const now = Date.now()
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('docs')
          .values({
            name,
            createdAt: now,
            updatedAt: now,
            ...(createdBy !== undefined && { createdBy }),
          })
          .onConflict((oc) => oc.column('name').doUpdateSet({ updatedAt: now }))
          .execute()
        await trx
          .insertInto('docUpdates')
          .values({ docName: name, data: toBuffer(update), createdAt: now })
          .execute()
      })
    },

    async deleteDoc(name) {
      // The updates go with it (ON DELETE CASCADE).
      const result = await db.deleteFrom('docs').where('name', '=', name).executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },

    renameDoc(from, to) {
      return db.transaction().execute(async (trx) => {
        const doc = await trx
          .selectFrom('docs')
          .select(docColumns)
          .where('name', '=', from)
          .executeTakeFirst()
        if (!doc) return 'missing' as const
        const inserted = await trx
          .insertInto('docs')
          .values({ name: to, createdAt: doc.createdAt, updatedAt: doc.updatedAt })
          .onConflict((oc) => oc.column('name').doNothing())
          .returning('name')
          .executeTakeFirst()
        if (!inserted) return 'taken' as const
        await trx
          .updateTable('docUpdates')
          .set({ docName: to })
          .where('docName', '=', from)
          .execute()
        await trx.deleteFrom('docs').where('name', '=', from).execute()
        return 'renamed' as const
      })
    },

    async loadDocUpdates(name) {
      const rows = await db
        .selectFrom('docUpdates')
        .select('data')
        .where('docName', '=', name)
        .orderBy('id')
        .execute()
      return rows.map((row) => toBytes(row.data))
    },

    compactDoc(name, merge, include) {
      return db.transaction().execute(async (trx) => {
        const rows = await trx
          .selectFrom('docUpdates')
          .select(['id', 'data'])
          .where('docName', '=', name)
          .orderBy('id')
          .execute()
        if (include === undefined && rows.length <= 1)
          return { before: rows.length, after: rows.length }
        if (include !== undefined) {
          // State that reached this instance only through the relay may belong to a document
          // whose first edit was never stored here.
          const now = Date.now()
          await trx
            .insertInto('docs')
            .values({ name, createdAt: now, updatedAt: now })
            .onConflict((oc) => oc.column('name').doNothing())
            .execute()
        }
        const updates = rows.map((row) => toBytes(row.data))
        const merged = merge(include === undefined ? updates : [...updates, include])
        // Exactly the rows read above go, by id: anything appended meanwhile stays. (Not "id <=
        // last": in PostgreSQL ids are taken at insert and committed in any order, so a row with
        // a smaller id can become visible after the read.)
        const ids = rows.map((row) => row.id)
        for (let i = 0; i < ids.length; i += 1000) {
          await trx
            .deleteFrom('docUpdates')
            .where('docName', '=', name)
            .where('id', 'in', ids.slice(i, i + 1000))
            .execute()
        }
        await trx
          .insertInto('docUpdates')
          .values({ docName: name, data: toBuffer(merged), createdAt: Date.now() })
          .execute()
        const { count } = await trx
          .selectFrom('docUpdates')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('docName', '=', name)
          .executeTakeFirstOrThrow()
        return { before: rows.length, after: Number(count) }
      })
    },
  }
}

/** better-sqlite3 binds Buffers as BLOBs; a plain Uint8Array is wrapped without copying. */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** Drivers hand back Buffers; Yjs wants plain Uint8Arrays (Buffer#slice differs from Uint8Array#slice). */
function toBytes(data: Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
