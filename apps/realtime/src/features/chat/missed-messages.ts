import type { ChatMessage, RoomId } from '@duplex/protocol/chat'
import type { Logger } from '../../shared/log.ts'
import type { ChatStore } from './repository.ts'

/** Where the replay sends what it found: this instance's sockets in one room, and nobody else. */
export type LocalRoomEmit = (roomId: RoomId, message: ChatMessage) => void

export interface MissedMessagesOptions {
  store: ChatStore
  /** The chat rooms this instance has sockets in right now. */
  localRooms: () => Iterable<RoomId>
  emitLocally: LocalRoomEmit
  log: Logger
  /**
   * Slack before the outage began: instances' clocks differ (a message's `ts` is its instance's),
   * and a connection is seen closed a little after Redis went. Default 10 s.
   */
  marginMs?: number
  /** Messages per room at most (the newest). Default 200. */
  limitPerRoom?: number
  /** Requests that arrive this close together are served by one replay. Default 100 ms. */
  coalesceMs?: number
  /** A replay that fails (the database is away too) is tried again this much later. Default 2 s. */
  retryMs?: number
}

export interface MissedMessages {
  /**
   * Sends this instance's sockets, from the database, every message of their rooms stored since
   * `since` (ms since the epoch, minus the margin). Requests are coalesced: many instances asking
   * at once (all of them saw the same Redis come back) cost one replay, from the earliest `since`.
   */
  replaySince(since: number): void
  /** Cancels what is scheduled. */
  stop(): void
}

/**
 * What makes chat whole after Redis was away. Meanwhile each instance stored every message and
 * delivered it to its own sockets only (broadcasts go through Redis); members on the other
 * instances missed them, and without this would see them only after a reload. The database has
 * them all, so once Redis is back each instance re-sends its own sockets what they may have missed.
 * Clients merge messages by id, so one they had already changes nothing.
 *
 * Written by hand: it is the point of chat's outage story, and a few lines over the store.
 *
 * @example
 * const missed = createMissedMessages({ store, localRooms, emitLocally, log })
 * watchRedisOutages(redis, { onRecovered: ({ since }) => missed.replaySince(since) })
 */
export function createMissedMessages(options: MissedMessagesOptions): MissedMessages {
  const { store, log } = options
  const marginMs = options.marginMs ?? 10_000
  const limitPerRoom = options.limitPerRoom ?? 200
  const coalesceMs = options.coalesceMs ?? 100
  const retryMs = options.retryMs ?? 2000
  let pendingSince: number | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let running = false
  let stopped = false

  function schedule(delayMs: number): void {
    if (stopped || timer !== undefined || running) return
    timer = setTimeout(() => {
      timer = undefined
      void run()
    }, delayMs)
    timer.unref()
  }

  async function run(): Promise<void> {
    if (pendingSince === undefined) return
    const since = pendingSince
    pendingSince = undefined
    running = true
    try {
      let sent = 0
      for (const roomId of [...options.localRooms()]) {
        const { messages } = await store.listMessages(roomId, { limit: limitPerRoom })
        const missed = messages.filter((message) => message.ts >= since - marginMs)
        if (missed.length === limitPerRoom) {
          log.warn(
            `[chat] ${roomId}: more than ${limitPerRoom} messages since the Redis outage; ` +
              `re-sent the newest ${limitPerRoom}, the rest are in its history`,
          )
        }
        for (const message of missed) options.emitLocally(roomId, message)
        sent += missed.length
      }
      if (sent > 0) log.info(`[chat] re-sent ${sent} message(s) stored while Redis was away`)
    } catch (error) {
      // Most likely the database is away too: try again, from the same moment.
      pendingSince = Math.min(pendingSince ?? since, since)
      log.warn(`[chat] re-sending messages missed during the Redis outage failed; retrying`, error)
      running = false
      schedule(retryMs)
      return
    }
    running = false
    if (pendingSince !== undefined) schedule(coalesceMs)
  }

  return {
    replaySince(since) {
      pendingSince = Math.min(pendingSince ?? since, since)
      schedule(coalesceMs)
    },
    stop() {
      stopped = true
      clearTimeout(timer)
      timer = undefined
    },
  }
}
