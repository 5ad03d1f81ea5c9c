import type { OutgoingMessage } from './chat-state'

/** A send acked within this long was ordinary: its outbox emptying is no recovery worth a line. */
export const HELD_AFTER_MS = 1000

/**
 * Tracks the outbox between two moments it is empty, and says when it empties whether it held
 * messages back: one that waited for the connection or for the store (`queued`, `waiting`), or
 * one left unacknowledged for longer than {@link HELD_AFTER_MS} (a stalled socket). An ordinary
 * send (in and out within one round trip) is not "drained".
 */
export function createDrainWatch(now: () => number = Date.now) {
  let since: number | null = null
  let held = false
  return {
    /** Feed every change of the outbox; true when it just drained after holding messages. */
    update(outbox: readonly Pick<OutgoingMessage, 'status'>[]): boolean {
      if (outbox.length > 0) {
        since ??= now()
        if (outbox.some((m) => m.status === 'queued' || m.status === 'waiting')) held = true
        return false
      }
      if (since === null) return false
      const drained = held || now() - since > HELD_AFTER_MS
      since = null
      held = false
      return drained
    },
  }
}
