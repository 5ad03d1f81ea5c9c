import { isStoreUnavailable } from '@duplex/cluster'
import type { DocOwner } from '@duplex/protocol/collab'
import type { WSSharedDoc } from '@y/websocket-server/utils'
import * as Y from 'yjs'
import type { Logger } from '../../shared/log.ts'
import { createAppendBatcher, type BatchWrite } from './append-batcher.ts'
import { FROM_RELAY, type DocRelay } from './doc-relay.ts'
import { previewOfDoc } from './preview.ts'
import type { DocGone, DocStore, MergedDoc } from './repository.ts'
import type { DocSizes } from './yjs-edge.ts'

/** Transaction origin of state loaded from storage: it is stored already, so it is not written again. */
export const FROM_STORAGE = Symbol('duplex:from-storage')

/** How often, at most, a copy being edited writes its preview line. */
const PREVIEW_EVERY_MS = 1000

/** First and longest wait between attempts to store edits that could not be stored. */
const RESAVE_FIRST_MS = 1000
const RESAVE_MAX_MS = 15_000

/** Renames followed when writing a renamed copy's state to where its document went. */
const MAX_RENAME_HOPS = 8

interface LeftOver {
  name: string
  generation: number
  state: Uint8Array
  creator: DocOwner | undefined
}

/** What this instance knows about one in-memory copy of a document (a `WSSharedDoc`). */
export interface DocCopy {
  readonly name: string
  readonly doc: WSSharedDoc
  /** Settles once loaded; rejects when loading failed (the copy is then dropped). */
  readonly ready: Promise<void>
  /** The generation it was loaded at (see `DocStore.loadDoc`); set once loaded. */
  generation: number | undefined
  /** Set once its document was deleted or renamed: nothing more is written under its name. */
  gone: DocGone | undefined
  /** Some of its edits are not stored: its next write is its whole state. */
  unsaved: boolean
  /** The first user whose edit reached it: the owner, if its first stored write creates the row. */
  firstEditor: DocOwner | undefined
  /** Resolves once it has left memory (destroyed). */
  readonly left: Promise<void>
}

export interface DocCopiesOptions {
  store: DocStore
  /** `YJS_COMPACT_AFTER`: merge a document's stored rows into one after this many new ones. */
  compactAfter: number
  sizes: DocSizes
  log: Logger
  /** Cluster mode: updates of other instances arrive through it and may exist nowhere else. */
  relay?: DocRelay | undefined
  /** Who made an update, from its transaction origin (the connection it came from). */
  editorOf(origin: unknown): DocOwner | undefined
  /** A write found that a copy's document is gone: close its editors (see `Collab`). */
  onGone(copy: DocCopy): void
}

export interface DocCopies {
  /** @y/websocket-server's persistence hooks (`setPersistence`). */
  persistence: {
    provider: DocStore
    bindState(name: string, doc: WSSharedDoc): void
    writeState(name: string, doc: WSSharedDoc): Promise<void>
  }
  of(doc: Y.Doc): DocCopy | undefined
  /**
   * Writes a copy that leaves memory without the library's help (no connection ever completed
   * on it), then destroys it. Never rejects.
   */
  release(copy: DocCopy): Promise<void>
  /** Marks a copy gone (once); true if it was not already. */
  markGone(copy: DocCopy, gone: DocGone): boolean
  /**
   * Merges the stored state of `name` into its open copy, if any (a rename gave the name a
   * document while a copy of it was open).
   */
  refresh(name: string): Promise<void>
  /** Copies of documents that were deleted or renamed since they were loaded, per storage. */
  staleCopies(copies: readonly DocCopy[]): Promise<Map<DocCopy, DocGone>>
  /** Copies and left-over states whose edits are not stored yet. */
  unsavedCount(): number
  /** Waits for every write in flight, then tries once more to store what is unsaved. */
  drain(): Promise<void>
}

/**
 * The storage side of the in-memory copies of documents: loading (at a generation), appending
 * edits in batches, compacting, the preview line, and what happens when storage fails.
 *
 * Nothing accepted is lost to a database outage: an edit whose write failed stays in its copy,
 * which is marked unsaved and written whole (merged, so duplicates cost nothing) with backoff
 * until storage takes it; a copy that leaves memory unsaved leaves its state behind, retried the
 * same way and merged into the next copy of that document. Only a shutdown during the outage
 * loses them, and says so in the log.
 *
 * A write of a copy older than a delete or a rename is refused by storage (generations): a
 * deleted copy's state is dropped, a renamed copy's state is written where the document went.
 *
 * @example
 * const copies = createDocCopies({ store, compactAfter: 200, sizes, log, editorOf, onGone })
 * setPersistence(copies.persistence)
 */
export function createDocCopies(options: DocCopiesOptions): DocCopies {
  const { store, log, relay, sizes } = options
  const copies = new WeakMap<Y.Doc, DocCopy>()
  /** Writes in flight, so drain() can wait for them. */
  const pending = new Set<Promise<unknown>>()
  const rowsSinceCompaction = new Map<string, number>()
  const compacting = new Map<string, Promise<void>>()
  /** Copies whose edits are not all stored. */
  const unsaved = new Set<DocCopy>()
  /**
   * States of unsaved copies that left memory, by `name@generation`: retried, or merged into
   * the next copy of the same document.
   */
  const leftOver = new Map<string, LeftOver>()
  /** The loaded copy of each name, for the few lookups by name (the library keeps its own map). */
  const byName = new Map<string, DocCopy>()
  const previewTimers = new Map<DocCopy, NodeJS.Timeout>()
  const previewDirty = new Set<DocCopy>()
  let resaveTimer: NodeJS.Timeout | undefined
  let resaveDelay = RESAVE_FIRST_MS
  let outage = false

  /** Keeps a write in `pending` until it settles; failures are logged, never thrown. */
  function track(promise: Promise<unknown>): void {
    pending.add(promise)
    promise
      .catch((error: unknown) => log.error('[collab] storage write failed', error))
      .finally(() => pending.delete(promise))
  }

  /** Logs a storage outage once, not once per write. */
  function storageFailed(what: string, error: unknown): void {
    if (!isStoreUnavailable(error)) {
      log.error(`[collab] ${what} failed`, error)
      return
    }
    if (outage) return
    outage = true
    log.warn(
      `[collab] storage unavailable (${what}: ${error instanceof Error ? error.message : String(error)}); ` +
        'edits stay in memory and are stored when it is back',
    )
  }

  function storageWorked(): void {
    if (!outage) return
    outage = false
    log.info('[collab] storage is back')
  }

  const merge = (updates: Uint8Array[]): MergedDoc => mergeUpdates(updates)

  function compact(copy: DocCopy): Promise<void> {
    const { name } = copy
    const running = compacting.get(name)
    if (running) return running
    rowsSinceCompaction.set(name, 0)
    const run = (async () => {
      if (copy.generation === undefined || copy.gone) return
      const result = await store.compactDoc(name, merge, { generation: copy.generation })
      if (!result.ok) goneFound(copy, result.gone)
    })().finally(() => compacting.delete(name))
    compacting.set(name, run)
    return run
  }

  /** A write learned that the copy's document is gone. */
  function goneFound(copy: DocCopy, gone: DocGone): void {
    // Its last edits were refused: a renamed copy writes them where the document went.
    if (gone.kind === 'renamed') copy.unsaved = true
    if (markGone(copy, gone)) options.onGone(copy)
  }

  function markGone(copy: DocCopy, gone: DocGone): boolean {
    if (copy.gone) return false
    copy.gone = gone
    if (gone.kind === 'deleted') {
      unsaved.delete(copy)
      copy.unsaved = false
    }
    return true
  }

  function markUnsaved(copy: DocCopy, what: string, error: unknown): void {
    storageFailed(what, error)
    copy.unsaved = true
    unsaved.add(copy)
    scheduleResave()
  }

  // Rows, not updates, count towards compaction: a batch of updates is one row.
  const appends = createAppendBatcher<DocCopy>(
    async ({ name, update, copy, editor }: BatchWrite<DocCopy>) => {
      if (copy.gone || copy.generation === undefined) return false
      try {
        const outcome = await store.appendDocUpdate(name, update, {
          generation: copy.generation,
          creator: editor ?? copy.firstEditor,
        })
        storageWorked()
        if (!outcome.ok) {
          goneFound(copy, outcome.gone)
          return false
        }
        return true
      } catch (error) {
        markUnsaved(copy, `storing an edit of ${name}`, error)
        return false
      }
    },
    (name) => {
      const copy = byName.get(name)
      if (!copy) return
      const count = (rowsSinceCompaction.get(name) ?? 0) + 1
      rowsSinceCompaction.set(name, count)
      if (count >= options.compactAfter) return compact(copy)
    },
  )

  function schedulePreview(copy: DocCopy): void {
    previewDirty.add(copy)
    if (previewTimers.has(copy)) return
    const timer = setTimeout(() => {
      previewTimers.delete(copy)
      track(writePreview(copy))
    }, PREVIEW_EVERY_MS)
    timer.unref()
    previewTimers.set(copy, timer)
  }

  async function writePreview(copy: DocCopy): Promise<void> {
    if (!previewDirty.has(copy) || copy.generation === undefined) return
    previewDirty.delete(copy)
    // A renamed copy's preview belongs to its new name; a deleted one's to nobody.
    const { gone } = copy
    if (gone?.kind === 'deleted') return
    const [name, generation] =
      gone?.kind === 'renamed' ? [gone.to, gone.generation] : [copy.name, copy.generation]
    try {
      await store.setPreview(name, generation, previewOfDoc(copy.doc))
    } catch (error) {
      previewDirty.add(copy)
      storageFailed(`storing the preview of ${name}`, error)
    }
  }

  /**
   * Writes `state` into `name` at `generation`, following renames. Used for a renamed copy's
   * state and for left-over states. Resolves with where it went, or undefined if the document
   * was deleted (the state is then dropped, as the delete asked).
   */
  async function storeStateAt(
    name: string,
    generation: number,
    state: Uint8Array,
    creator: DocOwner | undefined,
  ): Promise<string | undefined> {
    let target = { name, generation }
    for (let hop = 0; hop < MAX_RENAME_HOPS; hop++) {
      const result = await store.compactDoc(target.name, merge, {
        generation: target.generation,
        include: state,
        creator,
      })
      if (result.ok) return target.name
      if (result.gone.kind === 'deleted') return undefined
      target = { name: result.gone.to, generation: result.gone.generation }
    }
    log.warn(`[collab] ${name} was renamed more than ${MAX_RENAME_HOPS} times; dropped a late copy`)
    return undefined
  }

  /** Keeps the state of a copy that could not be stored as it left memory, for {@link resave}. */
  function keep(name: string, generation: number, state: Uint8Array, creator?: DocOwner): void {
    const key = `${name}@${generation}`
    const earlier = leftOver.get(key)
    leftOver.set(key, {
      name,
      generation,
      state: earlier ? Y.mergeUpdates([earlier.state, state]) : state,
      creator: earlier?.creator ?? creator,
    })
    scheduleResave()
  }

  /**
   * Stores a copy that is leaving memory (last client gone, never connected, or shutdown). Never
   * rejects: a state that cannot be stored now is kept and retried.
   */
  function flush(copy: DocCopy): Promise<void> {
    // Writes in flight now (its appends among them) must land, or be refused, before their rows
    // are merged away. Taken before this flush is tracked, so flushes never wait for each other.
    const before = [...pending]
    const write = (async () => {
      const { name, doc } = copy
      try {
        await copy.ready
      } catch {
        return // never loaded: nothing of it is anyone's edit
      }
      await Promise.allSettled(before)
      const timer = previewTimers.get(copy)
      if (timer) {
        clearTimeout(timer)
        previewTimers.delete(copy)
        await writePreview(copy)
      }
      const generation = copy.generation as number
      // A document nobody typed into has nothing to keep, and must not appear in the list. In
      // cluster mode a copy may hold updates that reached it only through the relay, from an
      // instance that died before storing them: its whole state goes to storage too.
      const whole = doc.store.clients.size > 0 && (copy.unsaved || relay !== undefined)
      try {
        if (!copy.gone && !whole) {
          await compact(copy)
        } else if (!copy.gone) {
          await compacting.get(name)?.catch(() => undefined)
          const result = await store.compactDoc(name, merge, {
            generation,
            include: Y.encodeStateAsUpdate(doc),
            creator: copy.firstEditor,
          })
          if (!result.ok) markGone(copy, result.gone)
        }
        // A deleted copy's state is dropped; a renamed one's goes where the document went.
        if (copy.gone?.kind === 'renamed' && whole) {
          const { to, generation: toGeneration } = copy.gone
          await storeStateAt(to, toGeneration, Y.encodeStateAsUpdate(doc), copy.firstEditor)
        }
        storageWorked()
      } catch (error) {
        storageFailed(`storing ${name} as it left memory`, error)
        if (whole && copy.gone?.kind !== 'deleted') {
          const target =
            copy.gone?.kind === 'renamed'
              ? { name: copy.gone.to, generation: copy.gone.generation }
              : { name, generation }
          keep(target.name, target.generation, Y.encodeStateAsUpdate(doc), copy.firstEditor)
        }
      } finally {
        unsaved.delete(copy)
        rowsSinceCompaction.delete(name)
      }
    })()
    track(write)
    return write
  }

  function scheduleResave(): void {
    if (resaveTimer) return
    resaveTimer = setTimeout(() => {
      resaveTimer = undefined
      track(resave())
    }, resaveDelay)
    resaveTimer.unref()
  }

  /** One attempt at storing every unsaved copy and left-over state. */
  async function resave(): Promise<void> {
    let failed = false
    for (const copy of [...unsaved]) {
      if (copy.gone || copy.generation === undefined) {
        unsaved.delete(copy)
        continue
      }
      // Cleared first: an edit that fails while this runs sets it again.
      copy.unsaved = false
      try {
        const result = await store.compactDoc(copy.name, merge, {
          generation: copy.generation,
          include: Y.encodeStateAsUpdate(copy.doc),
          creator: copy.firstEditor,
        })
        if (!copy.unsaved) unsaved.delete(copy)
        if (!result.ok) goneFound(copy, result.gone)
      } catch (error) {
        copy.unsaved = true
        failed = true
        storageFailed(`storing the kept edits of ${copy.name}`, error)
      }
    }
    for (const [key, entry] of [...leftOver]) {
      try {
        await storeStateAt(entry.name, entry.generation, entry.state, entry.creator)
        if (leftOver.get(key) === entry) leftOver.delete(key)
      } catch (error) {
        failed = true
        storageFailed(`storing the kept edits of ${entry.name}`, error)
      }
    }
    if (failed) {
      resaveDelay = Math.min(resaveDelay * 2, RESAVE_MAX_MS)
      scheduleResave()
    } else {
      resaveDelay = RESAVE_FIRST_MS
      if (unsaved.size > 0 || leftOver.size > 0) scheduleResave()
      else storageWorked()
    }
  }

  function bindState(name: string, doc: WSSharedDoc): void {
    let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined
    const copy: DocCopy = {
      name,
      doc,
      ready: new Promise<void>((resolve, reject) => (settle = { resolve, reject })),
      generation: undefined,
      gone: undefined,
      unsaved: false,
      firstEditor: undefined,
      left: new Promise<void>((resolve) => doc.once('destroy', () => resolve())),
    }
    const load = async () => {
      // Subscribed before loading: an update another instance makes meanwhile arrives either
      // in storage or on the channel (both is fine: applying an update twice changes nothing).
      await relay?.attach(name, doc)
      // No row yet: the document is created by its first stored edit (see appendDocUpdate).
      const { generation, updates } = await store.loadDoc(name)
      copy.generation = generation
      if (updates.length > 0) {
        const merged = Y.mergeUpdates(updates)
        sizes.loaded(doc, merged.byteLength)
        Y.applyUpdate(doc, merged, FROM_STORAGE)
      }
      // Edits a copy of this document could not store before it left memory: this copy holds
      // them now (and stores them, as they are not marked as loaded from storage).
      const kept = leftOver.get(`${name}@${generation}`)
      if (kept) {
        leftOver.delete(`${name}@${generation}`)
        copy.firstEditor ??= kept.creator
        Y.applyUpdate(doc, kept.state)
      }
      // Updates other instances have made but not stored yet come as answers to this.
      relay?.requestSync(name, doc)
    }
    load().then(settle?.resolve, settle?.reject)
    const { ready } = copy
    copies.set(doc, copy)
    byName.set(name, copy)
    doc.once('destroy', () => {
      if (byName.get(name) === copy) byName.delete(name)
      unsaved.delete(copy)
      const timer = previewTimers.get(copy)
      if (timer) clearTimeout(timer)
      previewTimers.delete(copy)
      previewDirty.delete(copy)
    })
    ready.catch((error: unknown) => {
      storageFailed(`loading ${name}`, error)
      // Drop the broken copy so the next connection tries again instead of failing forever.
      relay?.detach(name, doc)
      if (byName.get(name) === copy) byName.delete(name)
    })
    // Registered at once, not after loading: an edit that arrives early must be stored too.
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      // Loaded state is stored already; a relayed update is stored by the instance it was made on.
      if (origin === FROM_STORAGE || origin === FROM_RELAY) return
      if (copy.gone) return
      const editor = options.editorOf(origin)
      copy.firstEditor ??= editor
      // Updates of one turn share a row; only the one that opens it has a write to track.
      const write = appends.append(name, update, { before: ready, copy, editor })
      if (write) track(write)
      schedulePreview(copy)
    })
  }

  return {
    persistence: {
      provider: store,
      bindState,
      writeState(_name, doc) {
        // Called when the last client leaves; the library destroys the document afterwards, so
        // this must not reject.
        const copy = copies.get(doc)
        return copy ? flush(copy) : Promise.resolve()
      },
    },

    of: (doc) => copies.get(doc),

    async release(copy) {
      await flush(copy)
      copy.doc.destroy()
    },

    markGone,

    async refresh(name) {
      const copy = byName.get(name)
      if (!copy || copy.gone) return
      try {
        await copy.ready
      } catch {
        return
      }
      const { generation, updates } = await store.loadDoc(name)
      if (generation !== copy.generation || updates.length === 0 || copy.gone) return
      Y.applyUpdate(copy.doc, Y.mergeUpdates(updates), FROM_STORAGE)
      sizes.loaded(copy.doc, Y.encodeStateAsUpdate(copy.doc).byteLength)
    },

    async staleCopies(list) {
      const loaded = list.filter((c) => c.generation !== undefined && !c.gone)
      const fates = await store.fatesOf(
        loaded.map((c) => ({ name: c.name, generation: c.generation as number })),
      )
      const stale = new Map<DocCopy, DocGone>()
      for (const copy of loaded) {
        const gone = fates.get(copy.name)
        if (gone) stale.set(copy, gone)
      }
      return stale
    },

    unsavedCount: () => unsaved.size + leftOver.size,

    async drain() {
      if (resaveTimer) clearTimeout(resaveTimer)
      resaveTimer = undefined
      while (pending.size > 0) await Promise.allSettled([...pending])
      if (unsaved.size === 0 && leftOver.size === 0) return
      await resave()
      if (resaveTimer) clearTimeout(resaveTimer)
      resaveTimer = undefined
      const lost = unsaved.size + leftOver.size
      if (lost > 0) {
        log.error(
          `[collab] shutting down with the edits of ${lost} document(s) not stored: storage is unavailable`,
        )
      }
    },
  }
}

/**
 * Merges stored updates into one. Going through a Y.Doc (rather than `Y.mergeUpdates`) lets Yjs
 * garbage-collect deleted content, so a document that was typed and erased many times shrinks;
 * the preview line comes from the same pass.
 */
export function mergeUpdates(updates: Uint8Array[]): MergedDoc {
  const doc = new Y.Doc({ gc: true })
  Y.transact(doc, () => {
    for (const update of updates) Y.applyUpdate(doc, update)
  })
  const merged = { state: Y.encodeStateAsUpdate(doc), preview: previewOfDoc(doc) }
  doc.destroy()
  return merged
}
