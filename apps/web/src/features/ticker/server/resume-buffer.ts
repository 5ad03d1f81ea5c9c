/** One buffered event: its id and whatever the stream needs to send it again. */
export interface Buffered<T> {
  id: number
  value: T
}

/** What a reconnect with `Last-Event-ID` gets. */
export type ReplayResult<T> =
  | { kind: 'replay'; events: Buffered<T>[] }
  /** The id is older than what the buffer still holds, or was never issued: the client must reset. */
  | { kind: 'reset'; reason: 'too_old' | 'unknown' }

/**
 * A fixed-size ring of the most recent events with consecutive integer ids, so a reconnect
 * can replay exactly what it missed in O(missed) time with no allocation per event beyond the slot.
 * Memory stays bounded whatever the uptime: the oldest entry is overwritten.
 */
export class ResumeBuffer<T> {
  readonly #slots: (Buffered<T> | undefined)[]
  #head: number // id of the newest event, `after` before the first
  #size = 0

  /**
   * @param after The id the sequence starts after (default 0): a buffer started afresh at a point
   * of a longer sequence (the ticker's log restarting after Redis lost it) can tell a client that
   * saw exactly `after` that nothing is missing, and any earlier id that it is too old.
   */
  constructor(
    readonly capacity: number,
    after = 0,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`ResumeBuffer capacity must be a positive integer, got ${capacity}`)
    }
    if (!Number.isSafeInteger(after) || after < 0) {
      throw new Error(`ResumeBuffer must start after a non-negative integer id, got ${after}`)
    }
    this.#slots = new Array(capacity)
    this.#head = after
  }

  /** Id of the newest event (`after` when nothing was pushed yet). */
  get headId(): number {
    return this.#head
  }

  /** Oldest id still held, or headId + 1 when empty. */
  get oldestId(): number {
    return this.#head - this.#size + 1
  }

  /** Appends the next event. Ids must be consecutive: a gap would make replay lie. */
  push(id: number, value: T): void {
    if (id !== this.#head + 1 && this.#size > 0) {
      throw new Error(`ResumeBuffer ids must be consecutive: expected ${this.#head + 1}, got ${id}`)
    }
    this.#head = id
    this.#slots[id % this.capacity] = { id, value }
    this.#size = Math.min(this.#size + 1, this.capacity)
  }

  /**
   * Events after `lastId`, oldest first. `lastId === headId` replays nothing (the client is up to
   * date); an id before the oldest kept or after the newest issued cannot be honoured.
   */
  since(lastId: number, filter?: (value: T) => boolean): ReplayResult<T> {
    if (!Number.isInteger(lastId) || lastId < 0 || lastId > this.#head) {
      return { kind: 'reset', reason: 'unknown' }
    }
    if (lastId < this.oldestId - 1) return { kind: 'reset', reason: 'too_old' }
    const events: Buffered<T>[] = []
    for (let id = lastId + 1; id <= this.#head; id++) {
      const entry = this.#slots[id % this.capacity]
      if (entry && (!filter || filter(entry.value))) events.push(entry)
    }
    return { kind: 'replay', events }
  }
}
