import type { DocFate, DocInfo, DocOwner } from '@duplex/protocol/collab'
import type { Generated, Kysely, Selectable, Transaction } from 'kysely'

// Table and column names are camelCase here and snake_case in the database (CamelCasePlugin).
// Timestamps are ms since the epoch. The tables are created by `collab_0001_initial` and changed
// by the migrations after it.

export interface DocsTable {
  name: string
  createdAt: number
  updatedAt: number
  /** Session user id of the owner (`collab_0002_doc_owner`); null for older documents. */
  createdBy: string | null
  /** The owner's display name when they created it (`collab_0003_generations`). */
  ownerName: string | null
  /** The name's generation when this document took it (see {@link DocTombstonesTable}). */
  generation: Generated<number>
  /** The start of the first non-empty line (see `preview.ts`). */
  preview: Generated<string>
}

export interface DocUpdatesTable {
  id: Generated<number>
  docName: string
  /** One Yjs update (v1 encoding), or several merged into one by compaction. */
  data: Uint8Array
  createdAt: number
}

/**
 * What became of a name that was deleted or renamed away. Each time, the name's generation goes
 * up by one; a document that takes the name later starts at that generation. A write carries the
 * generation its in-memory copy was loaded at, so a copy older than a delete or a rename can
 * never write it back, on any instance, however late its write arrives.
 */
export interface DocTombstonesTable {
  name: string
  generation: number
  /** Set when the name went away by a rename: where the document went… */
  renamedTo: string | null
  /** …and the generation of that name it took. */
  renamedToGeneration: number | null
  deletedAt: number
  /** Who deleted or renamed it (`collab_0004_tombstone_actor`); null for older tombstones. */
  byId: string | null
  byName: string | null
}

/** Collab's tables, for `database.db.withTables<CollabTables>()`. */
export type CollabTables = {
  docs: DocsTable
  docUpdates: DocUpdatesTable
  docTombstones: DocTombstonesTable
}

/** Why a write of an in-memory copy was refused: its document is not there any more. */
export type DocGone =
  | { kind: 'deleted'; by?: DocOwner | null }
  /** Renamed: the copy's state belongs to `to`, at `generation` of that name. */
  | { kind: 'renamed'; to: string; generation: number; by?: DocOwner | null }

/** The answer to a write of an in-memory copy. */
export type WriteOutcome = { ok: true } | { ok: false; gone: DocGone }

/** Which copy of a document a write comes from, and who to make the owner if it creates it. */
export interface CopyWrite {
  /** The generation the copy was loaded at ({@link LoadedDoc}). */
  generation: number
  /** Owner of the document if this write creates it (its first edit). */
  creator?: DocOwner | undefined
}

export interface LoadedDoc {
  /** Write with this (see {@link CopyWrite}). */
  generation: number
  /** Every stored update, in the order they were stored; empty for a name nobody has edited. */
  updates: Uint8Array[]
}

/** Where a page of the list starts: after this document. */
export interface DocCursor {
  updatedAt: number
  name: string
}

export type DeleteOutcome =
  | { outcome: 'deleted'; generation: number }
  | { outcome: 'missing' }
  | { outcome: 'forbidden'; owner: DocOwner | null }

export type RenameOutcome =
  /** `generation` was the old name's; the document took generation `toGeneration` of `to`. */
  | { outcome: 'renamed'; generation: number; toGeneration: number; doc: DocInfo }
  | { outcome: 'missing' }
  | { outcome: 'taken' }
  | { outcome: 'forbidden'; owner: DocOwner | null }

/** The result of merging stored updates (see {@link DocStore.compactDoc}). */
export interface MergedDoc {
  state: Uint8Array
  preview: string
}

/** What collaborative editing needs from storage: documents as lists of Yjs updates. */
export interface DocStore {
  /** One page, most recently edited first, ties by name; the page after `after` when given. */
  listDocs(page: { limit: number; after?: DocCursor | undefined }): Promise<DocInfo[]>
  getDoc(name: string): Promise<DocInfo | undefined>
  /** Creates the document unless it exists, owned by `owner` (counted against their quota). */
  createDoc(name: string, owner?: DocOwner): Promise<{ doc: DocInfo; created: boolean }>
  /** Documents `userId` owns. */
  countDocsCreatedBy(userId: string): Promise<number>
  /**
   * What an in-memory copy starts from: the name's generation, then its updates (in this order,
   * so a delete in between leaves a copy that is already too old to write).
   */
  loadDoc(name: string): Promise<LoadedDoc>
  /** Every stored update of the document, in the order they were stored. */
  loadDocUpdates(name: string): Promise<Uint8Array[]>
  /**
   * Appends one update of a copy and bumps `updatedAt`, creating the document (owned by
   * `creator`) if this is its first edit: opening a name that nobody types into leaves nothing in
   * the list. Refused when the document was deleted or renamed since the copy was loaded.
   */
  appendDocUpdate(name: string, update: Uint8Array, write: CopyWrite): Promise<WriteOutcome>
  /**
   * Replaces the stored updates of a document by `merge(updates)` and stores its preview, in one
   * transaction. Updates appended while merging are left alone, so nothing written concurrently
   * is lost.
   *
   * `include` is merged in too, even when there is nothing to compact: the state of an in-memory
   * copy that may hold updates storage lacks (relayed in cluster mode, or edits made while the
   * database was down). It creates the document if needed, like an append, but unlike an append
   * it is not an edit, so `updatedAt` stays. Refused, like an append, for a copy that is too old.
   */
  compactDoc(
    name: string,
    merge: (updates: Uint8Array[]) => MergedDoc,
    write: CopyWrite & { include?: Uint8Array | undefined },
  ): Promise<({ ok: true } | { ok: false; gone: DocGone }) & { before: number; after: number }>
  /** Stores the list's preview line of a copy's document (nothing if it is gone or unchanged). */
  setPreview(name: string, generation: number, preview: string): Promise<void>
  /**
   * Deletes the document and its updates if `by` owns it, and tombstones the name, recording
   * `actor` (who did it, by display name) when given.
   */
  deleteDoc(name: string, by: string, actor?: DocOwner): Promise<DeleteOutcome>
  /**
   * Moves the document, its owner, its preview and its updates to a new name if `by` owns it, in
   * one transaction, and tombstones the old name.
   */
  renameDoc(from: string, to: string, by: string, actor?: DocOwner): Promise<RenameOutcome>
  /**
   * The document named `name`, or, when there is none, what became of the name (its tombstone:
   * deleted or renamed, by whom, when). Both null for a name nobody has created.
   */
  lookupDoc(name: string): Promise<{ doc: DocInfo | null; gone: DocFate | null }>
  /**
   * Which of these in-memory copies are of documents that were deleted or renamed since they
   * were loaded (absent: still there, or never created). For instances that missed the news.
   */
  fatesOf(copies: readonly { name: string; generation: number }[]): Promise<Map<string, DocGone>>
}

/** Thrown inside a write's transaction to roll it back: the copy is older than the name. */
class StaleCopyError extends Error {
  constructor() {
    super('the document was deleted or renamed since this copy was loaded')
    this.name = 'StaleCopyError'
  }
}

/** Names per `in (…)` list, well under SQLite's and PostgreSQL's parameter limits. */
const IN_CHUNK = 500

/**
 * Collab's queries: documents and their Yjs updates, the same on SQLite and PostgreSQL.
 * PostgreSQL `bytea` comes back as a `Buffer` and is handed out as a plain `Uint8Array`.
 *
 * Every write of an in-memory copy first claims the document's row at the copy's generation, then
 * checks the name's tombstone, inside its transaction. In PostgreSQL the claim takes the row's
 * lock, so a concurrent delete or rename either commits first (and the check sees its tombstone)
 * or waits for the write; SQLite runs one transaction at a time anyway.
 *
 * @example
 * const store = createDocRepository(database.db.withTables<CollabTables>())
 * await store.createDoc('notes', { id: 'u_ada', name: 'Ada' })
 */
export function createDocRepository(db: Kysely<CollabTables>): DocStore {
  const docColumns = [
    'name',
    'createdAt',
    'updatedAt',
    'createdBy',
    'ownerName',
    'preview',
  ] as const

  const getDoc: DocStore['getDoc'] = async (name) => {
    const row = await db
      .selectFrom('docs')
      .select(docColumns)
      .where('name', '=', name)
      .executeTakeFirst()
    return row && toDocInfo(row)
  }

  const loadDocUpdates: DocStore['loadDocUpdates'] = async (name) => {
    const rows = await db
      .selectFrom('docUpdates')
      .select('data')
      .where('docName', '=', name)
      .orderBy('id')
      .execute()
    return rows.map((row) => toBytes(row.data))
  }

  /** The generation a document created now under `name` takes. */
  async function nameGeneration(trx: Kysely<CollabTables>, name: string): Promise<number> {
    const tombstone = await trx
      .selectFrom('docTombstones')
      .select('generation')
      .where('name', '=', name)
      .executeTakeFirst()
    return tombstone?.generation ?? 0
  }

  /**
   * Claims the row of `name` at the copy's generation inside `trx`: creates it when `create` and
   * it is missing, touches it (or, with `touch`, bumps `updatedAt`) when it is there at that
   * generation. False when the row is missing (without `create`) or has another generation.
   * Throws {@link StaleCopyError} when the name was tombstoned after the copy was loaded.
   */
  async function claim(
    trx: Transaction<CollabTables>,
    name: string,
    write: CopyWrite,
    options: { create: boolean; touch: boolean },
  ): Promise<boolean> {
    const now = Date.now()
    if (!options.create) {
      const touched = await trx
        .updateTable('docs')
        .set((eb) => ({ updatedAt: options.touch ? now : eb.ref('docs.updatedAt') }))
        .where('name', '=', name)
        .where('generation', '=', write.generation)
        .returning('name')
        .executeTakeFirst()
      return touched !== undefined
    }
    const row = await trx
      .insertInto('docs')
      .values({
        name,
        generation: write.generation,
        createdAt: now,
        updatedAt: now,
        createdBy: write.creator?.id ?? null,
        ownerName: write.creator?.name ?? null,
      })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet((eb) => ({ updatedAt: options.touch ? now : eb.ref('docs.updatedAt') }))
          .where('docs.generation', '=', write.generation),
      )
      .returning('name')
      .executeTakeFirst()
    if (!row) return false
    // Read after the row's lock is ours: a delete that committed meanwhile is visible now.
    if ((await nameGeneration(trx, name)) > write.generation) throw new StaleCopyError()
    return true
  }

  async function fatesOf(
    copies: readonly { name: string; generation: number }[],
  ): Promise<Map<string, DocGone>> {
    const fates = new Map<string, DocGone>()
    for (let i = 0; i < copies.length; i += IN_CHUNK) {
      const chunk = copies.slice(i, i + IN_CHUNK)
      const names = chunk.map((copy) => copy.name)
      const [rows, tombstones] = await Promise.all([
        db.selectFrom('docs').select(['name', 'generation']).where('name', 'in', names).execute(),
        db.selectFrom('docTombstones').selectAll().where('name', 'in', names).execute(),
      ])
      const rowOf = new Map(rows.map((row) => [row.name, row]))
      const tombstoneOf = new Map(tombstones.map((t) => [t.name, t]))
      for (const { name, generation } of chunk) {
        const tombstone = tombstoneOf.get(name)
        const current = rowOf.get(name)?.generation ?? tombstone?.generation ?? 0
        if (current <= generation) continue
        // Only the event right after the copy's load tells where it went; anything later (the
        // name taken again, then deleted) means the copy's document is long gone.
        fates.set(
          name,
          tombstone?.generation === generation + 1 &&
            tombstone.renamedTo !== null &&
            tombstone.renamedToGeneration !== null
            ? {
                kind: 'renamed',
                to: tombstone.renamedTo,
                generation: tombstone.renamedToGeneration,
              }
            : { kind: 'deleted' },
        )
      }
    }
    return fates
  }

  /** Why a claim failed: the copy's document is gone, or (undefined) it was never created. */
  async function fateOf(name: string, generation: number): Promise<DocGone | undefined> {
    return (await fatesOf([{ name, generation }])).get(name)
  }

  /** Runs a write that claims first; a stale copy's write is rolled back and answered `gone`. */
  async function refusedIfStale<T>(
    name: string,
    generation: number,
    run: () => Promise<T | 'unclaimed'>,
  ): Promise<T | { ok: false; gone: DocGone } | 'absent'> {
    try {
      const result = await run()
      if (result !== 'unclaimed') return result
    } catch (error) {
      if (!(error instanceof StaleCopyError)) throw error
    }
    const gone = await fateOf(name, generation)
    return gone ? { ok: false, gone } : 'absent'
  }

  return {
    async listDocs({ limit, after }) {
      let query = db.selectFrom('docs').select(docColumns)
      if (after) {
        query = query.where((eb) =>
          eb.or([
            eb('updatedAt', '<', after.updatedAt),
            eb.and([eb('updatedAt', '=', after.updatedAt), eb('name', '>', after.name)]),
          ]),
        )
      }
      const rows = await query.orderBy('updatedAt', 'desc').orderBy('name').limit(limit).execute()
      return rows.map(toDocInfo)
    },

    getDoc,

    async createDoc(name, owner) {
      const now = Date.now()
      const inserted = await db.transaction().execute(async (trx) =>
        trx
          .insertInto('docs')
          .values({
            name,
            generation: await nameGeneration(trx, name),
            createdAt: now,
            updatedAt: now,
            createdBy: owner?.id ?? null,
            ownerName: owner?.name ?? null,
          })
          .onConflict((oc) => oc.column('name').doNothing())
          .returning(docColumns)
          .executeTakeFirst(),
      )
      if (inserted) return { doc: toDocInfo(inserted), created: true }
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

    async loadDoc(name) {
      const row = await db
        .selectFrom('docs')
        .select('generation')
        .where('name', '=', name)
        .executeTakeFirst()
      const generation = row?.generation ?? (await nameGeneration(db, name))
      return { generation, updates: await loadDocUpdates(name) }
    },

    loadDocUpdates,

    async appendDocUpdate(name, update, write) {
      const result = await refusedIfStale(name, write.generation, () =>
        db.transaction().execute(async (trx) => {
          if (!(await claim(trx, name, write, { create: true, touch: true }))) return 'unclaimed'
          await trx
            .insertInto('docUpdates')
            .values({ docName: name, data: toBuffer(update), createdAt: Date.now() })
            .execute()
          return { ok: true } as const
        }),
      )
      if (result === 'absent') {
        // A create-or-claim fails only for another generation, which fatesOf calls gone.
        throw new Error(`appending to ${name}: refused, yet the document is neither there nor gone`)
      }
      return result
    },

    async compactDoc(name, merge, write) {
      const result = await refusedIfStale(name, write.generation, () =>
        db.transaction().execute(async (trx) => {
          const include = write.include
          // State that reached this copy only through the relay, or that was never stored, may
          // belong to a document whose first edit was never stored: it may create the row.
          const claimed = await claim(trx, name, write, {
            create: include !== undefined,
            touch: false,
          })
          if (!claimed) return 'unclaimed'
          const rows = await trx
            .selectFrom('docUpdates')
            .select(['id', 'data'])
            .where('docName', '=', name)
            .orderBy('id')
            .execute()
          if (include === undefined && rows.length <= 1)
            return { ok: true, before: rows.length, after: rows.length } as const
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
            .values({ docName: name, data: toBuffer(merged.state), createdAt: Date.now() })
            .execute()
          await trx
            .updateTable('docs')
            .set({ preview: merged.preview })
            .where('name', '=', name)
            .execute()
          const { count } = await trx
            .selectFrom('docUpdates')
            .select((eb) => eb.fn.countAll<number>().as('count'))
            .where('docName', '=', name)
            .executeTakeFirstOrThrow()
          return { ok: true, before: rows.length, after: Number(count) } as const
        }),
      )
      // A name nobody has stored anything under yet: nothing to compact.
      if (result === 'absent') return { ok: true, before: 0, after: 0 }
      return 'gone' in result ? { ...result, before: 0, after: 0 } : result
    },

    async setPreview(name, generation, preview) {
      await db
        .updateTable('docs')
        .set({ preview })
        .where('name', '=', name)
        .where('generation', '=', generation)
        .where('preview', '!=', preview)
        .execute()
    },

    async lookupDoc(name) {
      const doc = await getDoc(name)
      if (doc) return { doc, gone: null }
      const t = await db
        .selectFrom('docTombstones')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst()
      if (!t) return { doc: null, gone: null }
      const by = t.byId === null ? null : { id: t.byId, name: t.byName ?? '' }
      const at = Number(t.deletedAt)
      return {
        doc: null,
        gone:
          t.renamedTo === null
            ? { kind: 'deleted', by, at }
            : { kind: 'renamed', to: t.renamedTo, by, at },
      }
    },

    async deleteDoc(name, by, actor) {
      return db.transaction().execute(async (trx) => {
        // The updates go with it (ON DELETE CASCADE).
        const deleted = await trx
          .deleteFrom('docs')
          .where('name', '=', name)
          .where('createdBy', '=', by)
          .returning('generation')
          .executeTakeFirst()
        if (!deleted) {
          const row = await trx
            .selectFrom('docs')
            .select(docColumns)
            .where('name', '=', name)
            .executeTakeFirst()
          return row
            ? { outcome: 'forbidden', owner: toDocInfo(row).owner }
            : { outcome: 'missing' }
        }
        await tombstone(trx, {
          name,
          generation: deleted.generation + 1,
          renamedTo: null,
          renamedToGeneration: null,
          deletedAt: Date.now(),
          byId: actor?.id ?? by,
          byName: actor?.name ?? null,
        })
        return { outcome: 'deleted', generation: deleted.generation }
      })
    },

    renameDoc(from, to, by, actor) {
      return db.transaction().execute(async (trx): Promise<RenameOutcome> => {
        // A no-op update, to hold the row's lock (PostgreSQL) for the whole move: an append of a
        // copy of `from` then either lands before (and moves with the rest) or sees the tombstone.
        // (SQLite has no SELECT … FOR UPDATE; it runs one transaction at a time anyway.)
        const source = await trx
          .updateTable('docs')
          .set((eb) => ({ updatedAt: eb.ref('docs.updatedAt') }))
          .where('name', '=', from)
          .returning([...docColumns, 'generation'])
          .executeTakeFirst()
        if (!source) return { outcome: 'missing' }
        if (source.createdBy !== by) return { outcome: 'forbidden', owner: toDocInfo(source).owner }
        const toGeneration = await nameGeneration(trx, to)
        const inserted = await trx
          .insertInto('docs')
          .values({
            name: to,
            generation: toGeneration,
            createdAt: source.createdAt,
            updatedAt: source.updatedAt,
            createdBy: source.createdBy,
            ownerName: source.ownerName,
            preview: source.preview,
          })
          .onConflict((oc) => oc.column('name').doNothing())
          .returning(docColumns)
          .executeTakeFirst()
        if (!inserted) return { outcome: 'taken' }
        await trx
          .updateTable('docUpdates')
          .set({ docName: to })
          .where('docName', '=', from)
          .execute()
        await trx.deleteFrom('docs').where('name', '=', from).execute()
        await tombstone(trx, {
          name: from,
          generation: source.generation + 1,
          renamedTo: to,
          renamedToGeneration: toGeneration,
          deletedAt: Date.now(),
          byId: actor?.id ?? by,
          byName: actor?.name ?? null,
        })
        return {
          outcome: 'renamed',
          generation: source.generation,
          toGeneration,
          doc: toDocInfo(inserted),
        }
      })
    },

    fatesOf,
  }
}

/** Records (or replaces) the tombstone of a name that went away. */
async function tombstone(
  trx: Transaction<CollabTables>,
  entry: Selectable<DocTombstonesTable>,
): Promise<void> {
  await trx
    .insertInto('docTombstones')
    .values(entry)
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({
        generation: entry.generation,
        renamedTo: entry.renamedTo,
        renamedToGeneration: entry.renamedToGeneration,
        deletedAt: entry.deletedAt,
        byId: entry.byId,
        byName: entry.byName,
      }),
    )
    .execute()
}

function toDocInfo(row: {
  name: string
  createdAt: number
  updatedAt: number
  createdBy: string | null
  ownerName: string | null
  preview: string
}): DocInfo {
  return {
    name: row.name,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    owner: row.createdBy === null ? null : { id: row.createdBy, name: row.ownerName ?? '' },
    preview: row.preview,
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
