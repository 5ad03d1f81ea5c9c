/** How long to wait between attempts after the server refused or failed a stream. */
export interface BackoffOptions {
  /** Ceiling of the first delay. Default 1000 ms. */
  baseMs?: number
  /** No delay is ever longer than this. Default 30 000 ms. */
  maxMs?: number
  /**
   * Retries after consecutive failures (no `open` in between) before the stream gives up:
   * with 2, the third failure in a row closes it. Default: retry for ever.
   */
  maxRetries?: number
}

export const DEFAULT_BACKOFF = { baseMs: 1000, maxMs: 30_000, maxRetries: Infinity } as const

/**
 * Exponential backoff with full jitter: a uniform integer in `[0, min(maxMs, baseMs · 2^attempt)]`.
 * Spreading the whole range, not a band around the ceiling, keeps clients that failed together
 * from retrying together (AWS Architecture Blog, "Exponential Backoff And Jitter").
 *
 * @example
 * fullJitterDelay(3, { baseMs: 100, maxMs: 5000 }) // somewhere in 0…800
 */
export function fullJitterDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const baseMs = options.baseMs ?? DEFAULT_BACKOFF.baseMs
  const maxMs = options.maxMs ?? DEFAULT_BACKOFF.maxMs
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt)
  return Math.floor(random() * (ceiling + 1))
}
