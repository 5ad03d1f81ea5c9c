import { encodeSseComment } from '@duplex/protocol/sse'

/** Anything a heartbeat can write to. */
export interface HeartbeatTarget {
  write(chunk: Uint8Array): unknown
}

export interface Heartbeat {
  add(target: HeartbeatTarget): void
  delete(target: HeartbeatTarget): void
  readonly size: number
  readonly periodMs: number
}

/**
 * One timer for every open stream of the process, not one per connection: with 10,000 idle
 * streams that is one wake-up per period instead of 10,000, and the ping is encoded once.
 * The timer exists only while some stream is open, and never keeps the process alive.
 */
export function createHeartbeat(periodMs: number): Heartbeat {
  const targets = new Set<HeartbeatTarget>()
  const ping = new TextEncoder().encode(encodeSseComment('ping'))
  let timer: ReturnType<typeof setInterval> | undefined

  return {
    add(target) {
      targets.add(target)
      if (timer === undefined) {
        timer = setInterval(() => {
          for (const t of targets) t.write(ping)
        }, periodMs)
        timer.unref?.()
      }
    },
    delete(target) {
      targets.delete(target)
      if (targets.size === 0 && timer !== undefined) {
        clearInterval(timer)
        timer = undefined
      }
    },
    get size() {
      return targets.size
    },
    periodMs,
  }
}
