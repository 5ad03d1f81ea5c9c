import * as Y from 'yjs'
import type { DocStore } from './repository.ts'

export interface AppendBatcher {
  /**
   * Stores `update` of document `name` once `before` has settled. Every update of a document
   * that arrives before its batch starts writing goes into the same row (merged with
   * `Y.mergeUpdates`); batches of one document are written in order. Returns the new batch's
   * write (settled after its `onStored`) for the update that opens a batch, and nothing for one
   * that joins a batch already returned.
   */
  append(name: string, update: Uint8Array, before: Promise<void>): Promise<void> | undefined
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

interface Batch {
  updates: Uint8Array[]
}

/**
 * Takes a document's storage writes off the relay's path: one transaction per document per turn
 * of the event loop, however many updates a fast writer sent in it, instead of one per update.
 * (A paste-sized burst or a replayed trace is thousands of one-character updates; stored one by
 * one, each costs a transaction and, every `compactAfter` rows, a compaction of the whole
 * document.) Nothing is delayed beyond the current turn and the previous batch's write.
 *
 * @example
 * const appends = createAppendBatcher(store, (name) => countRowAndMaybeCompact(name))
 * const write = appends.append(name, update, ready)
 * if (write) track(write)
 */
export function createAppendBatcher(
  store: Pick<DocStore, 'appendDocUpdate'>,
  onStored: (name: string) => Promise<void> | void,
): AppendBatcher {
  /** The batch of each document still taking updates (its write has not started). */
  const open = new Map<string, Batch>()
  /** Each document's last write, which the next batch waits for (settled, never rejecting). */
  const tails = new Map<string, Promise<void>>()

  return {
    append(name, update, before) {
      const gathering = open.get(name)
      if (gathering) {
        gathering.updates.push(update)
        return undefined
      }
      const batch: Batch = { updates: [update] }
      open.set(name, batch)
      const previous = tails.get(name) ?? Promise.resolve()
      const written = Promise.all([previous, before])
        // One macrotask turn, so that every update of this turn joins the batch.
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(() => {
          if (open.get(name) === batch) open.delete(name)
          const { updates } = batch
          return store.appendDocUpdate(name, mergeMany(updates))
        })
      const tail = written.catch(() => undefined)
      tails.set(name, tail)
      void tail.then(() => {
        if (tails.get(name) === tail) tails.delete(name)
      })
      // A compaction started by onStored is awaited by this batch's caller, not by the next
      // batch's write.
      return written.then(() => onStored(name))
    },
  }
}
