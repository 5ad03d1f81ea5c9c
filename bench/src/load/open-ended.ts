import { now, sleep, waitFor } from '../lib/net.ts'
import type { LoadPool } from './pool.ts'
import type { Publisher } from './publishers.ts'

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
