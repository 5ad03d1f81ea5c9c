import { now, sleep, waitFor } from '../lib/net.ts'
import type { LoadPool } from './pool.ts'
import type { Publisher } from './publishers.ts'

export interface FixedRateOptions {
  pool: LoadPool
  publisher: Publisher
  /** First seq of the run; the pool must already expect `messages` seqs from it. */
  firstSeq: number
  messages: number
  /** Messages per second. */
  rate: number
}

/**
 * Publishes `messages` at a steady `rate`, then waits (up to a minute) for every subscriber to
 * receive them: the phase that measures latency at a load the stack can carry.
 */
export async function publishAtRate(options: FixedRateOptions): Promise<{ tStart: number }> {
  const { pool, publisher, firstSeq, messages } = options
  const tStart = now()
  const interval = 1000 / options.rate
  let sent = 0
  while (sent < messages) {
    // Whatever is due goes out now, in one call: a slow publish call never lowers the rate.
    const due = Math.min(messages, Math.floor((now() - tStart) / interval) + 1)
    if (due > sent) {
      await publisher.publish(firstSeq + sent, due - sent)
      sent = due
    }
    const wait = tStart + sent * interval - now()
    if (wait > 0) await sleep(wait)
  }
  await waitFor(() => pool.minDelivered() >= messages, 60_000, 5)
  await sleep(50)
  return { tStart }
}

export interface OpenEndedOptions {
  pool: LoadPool
  publisher: Publisher
  /** First seq of the run; the pool must already expect `cap` seqs from it. */
  firstSeq: number
  /** Most messages to publish. */
  cap: number
  /** Most messages the slowest subscriber may be behind the publisher. */
  window: number
  /** How long to keep publishing. */
  ms: number
}

/**
 * Publishes as fast as the slowest subscriber takes messages, never more than `window` ahead of
 * it, for `ms`; then waits (up to a minute) for every subscriber to receive what was published.
 * That gives the most deliveries per second a stack sustains without dropping or coalescing.
 */
export async function publishOpenEnded(
  options: OpenEndedOptions,
): Promise<{ tStart: number; published: number }> {
  const { pool, publisher, window } = options
  const tStart = now()
  let published = 0
  while (published < options.cap && now() - tStart < options.ms) {
    const room = window - (published - pool.minDelivered())
    if (room < Math.min(publisher.maxBatch, window / 4)) {
      await sleep(1)
      continue
    }
    const count = Math.min(room, publisher.maxBatch, options.cap - published)
    await publisher.publish(options.firstSeq + published, count)
    published += count
  }
  await waitFor(() => pool.minDelivered() >= published, 60_000, 5)
  await sleep(50)
  return { tStart, published }
}
