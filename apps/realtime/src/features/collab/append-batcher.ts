import type { DocOwner } from '@duplex/protocol/collab'
import * as Y from 'yjs'

/** One batch's write: its updates merged into one, the copy they come from, and who made them. */
export interface BatchWrite<Copy> {
  name: string
  update: Uint8Array
  /** The in-memory copy the updates were made on (see `append`). */
  copy: Copy
  /** Whoever made the batch's first update that has a known author. */
  editor: DocOwner | undefined
}

export interface AppendBatcher<Copy> {
  /**
   * Stores `update` of document `name` once `before` has settled. Every update of the same copy
   * of a document that arrives before its batch starts writing goes into the same row (merged
   * with `Y.mergeUpdates`); batches of one document are written in order. Returns the new batch's
   * write (settled after its `onStored`) for the update that opens a batch, and nothing for one
   * that joins a batch already returned.
   */
  append(
    name: string,
    update: Uint8Array,
    options: { before: Promise<void>; copy: Copy; editor?: DocOwner | undefined },
  ): Promise<void> | undefined
}

/** Updates merged per level of the tree in {@link mergeMany}. */
const MERGE_FAN_IN = 8

/**
 * `Y.mergeUpdates` of many updates, merged a few at a time in a tree. `Y.mergeUpdates` sorts
 * all its inputs again for every struct it writes, so one call over k one-character updates
 * costs about k² (in a profile of a replayed editing trace, a batch of a few thousand updates
 * took most of the server's CPU); merged eight at a time, the whole batch costs about k log k.
 */
export function mergeMany(updates: readonly Uint8Array[]): Uint8Array {
  let level = [...updates]
  while (level.length > 1) {
    const next: Uint8Array[] = []
    for (let i = 0; i < level.length; i += MERGE_FAN_IN) {
      const group = level.slice(i, i + MERGE_FAN_IN)
      next.push(group.length === 1 ? (group[0] as Uint8Array) : Y.mergeUpdates(group))
    }
    level = next
  }
  const [merged] = level
  if (!merged) throw new Error('mergeMany: no updates')
  return merged
}

interface Batch<Copy> {
  updates: Uint8Array[]
  copy: Copy
  editor: DocOwner | undefined
}

/**
 * Takes a document's storage writes off the relay's path: one transaction per document per turn
 * of the event loop, however many updates a fast writer sent in it, instead of one per update.
 * (A paste-sized burst or a replayed trace is thousands of one-character updates; stored one by
 * one, each costs a transaction and, every `compactAfter` rows, a compaction of the whole
 * document.) Nothing is delayed beyond the current turn and the previous batch's write.
 *
 * @example
 * const appends = createAppendBatcher(({ name, update, copy }) => storeIt(name, update, copy), countRow)
 * const write = appends.append(name, update, { before: ready, copy })
 * if (write) track(write)
 */
export function createAppendBatcher<Copy>(
  write: (batch: BatchWrite<Copy>) => Promise<boolean>,
  onStored: (name: string) => Promise<void> | void,
): AppendBatcher<Copy> {
  /** The batch of each document still taking updates (its write has not started). */
  const open = new Map<string, Batch<Copy>>()
  /** Each document's last write, which the next batch waits for (settled, never rejecting). */
  const tails = new Map<string, Promise<void>>()

  return {
    append(name, update, { before, copy, editor }) {
      const gathering = open.get(name)
      // A batch never mixes copies: a copy loaded after a delete writes at another generation.
      if (gathering && gathering.copy === copy) {
        gathering.updates.push(update)
        gathering.editor ??= editor
        return undefined
      }
      const batch: Batch<Copy> = { updates: [update], copy, editor }
      open.set(name, batch)
      const previous = tails.get(name) ?? Promise.resolve()
      const written = Promise.all([previous, before])
        // One macrotask turn, so that every update of this turn joins the batch.
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(() => {
          if (open.get(name) === batch) open.delete(name)
          const { updates } = batch
          return write({ name, update: mergeMany(updates), copy, editor: batch.editor })
        })
      const tail = written.then(
        () => undefined,
        () => undefined,
      )
      tails.set(name, tail)
      void tail.then(() => {
        if (tails.get(name) === tail) tails.delete(name)
      })
      // A compaction started by onStored is awaited by this batch's caller, not by the next
      // batch's write. A batch that stored nothing (refused) counts no row.
      return written.then((stored) => (stored ? onStored(name) : undefined))
    },
  }
}
