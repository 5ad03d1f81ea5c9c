import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible'

export type RateLimitResult = { ok: true } | { ok: false; retryAfterMs: number }

export interface RateLimiter {
  /** Takes one point for `key`; refuses when its points for the window are used up. */
  consume(key: string): Promise<RateLimitResult>
}

export interface RateLimiterOptions {
  /** Allowed events per window. */
  points: number
  /** Window length. */
  seconds: number
}

/**
 * A fixed-window limiter per key (the user id, so opening more tabs buys no extra quota). Backed
 * by rate-limiter-flexible's memory store; cluster mode can swap in its Postgres or Redis store
 * behind the same interface.
 *
 * @example
 * const limiter = createRateLimiter({ points: 10, seconds: 10 })
 * const result = await limiter.consume(user.id)
 * if (!result.ok) ack({ ok: false, error: { code: 'rate_limited', message: `retry in ${result.retryAfterMs} ms` } })
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const limiter = new RateLimiterMemory({ points: options.points, duration: options.seconds })
  return {
    async consume(key) {
      try {
        await limiter.consume(key)
        return { ok: true }
      } catch (error) {
        // The library rejects with a RateLimiterRes when over the limit, with an Error otherwise.
        if (error instanceof RateLimiterRes) return { ok: false, retryAfterMs: error.msBeforeNext }
        throw error
      }
    },
  }
}
