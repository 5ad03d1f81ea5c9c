import type { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'

export type RateLimitResult = { ok: true } | { ok: false; retryAfterMs: number }

export interface RateLimiter {
  /** Takes one point for `key`; refuses when its points for the window are used up. */
  consume(key: string): Promise<RateLimitResult>
  /** Gives back a point taken for a request the server then could not serve (a store was down). */
  refund(key: string): Promise<void>
}

export interface RateLimiterOptions {
  /** Allowed events per window. */
  points: number
  /** Window length. */
  seconds: number
  /**
   * Cluster mode: count in Redis, so a user's quota is shared by every instance their tabs are
   * connected to. `keyPrefix` names this limiter (and the install) in Redis.
   */
  redis?: { client: Redis; keyPrefix: string }
}

/**
 * A fixed-window limiter per key (the user id, so opening more tabs buys no extra quota). Backed
 * by rate-limiter-flexible's memory store, or by its Redis store in cluster mode.
 *
 * In cluster mode, while Redis is away (its connection not `ready`, or a command failing), the
 * count goes on in this instance's memory (rate-limiter-flexible's `insuranceLimiter`) instead of
 * waiting for Redis: every event is still answered at once, and still limited. The price: for the
 * outage, a user with tabs on two instances has each instance's budget.
 *
 * @example
 * const limiter = createRateLimiter({ points: 10, seconds: 10 })
 * const result = await limiter.consume(user.id)
 * if (!result.ok) ack({ ok: false, error: { code: 'rate_limited', message: `retry in ${result.retryAfterMs} ms` } })
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const inMemory = () =>
    new RateLimiterMemory({ points: options.points, duration: options.seconds })
  const limiter = options.redis
    ? new RateLimiterRedis({
        storeClient: options.redis.client,
        keyPrefix: options.redis.keyPrefix,
        points: options.points,
        duration: options.seconds,
        // Not ready (reconnecting): straight to the insurance, not into ioredis' offline queue.
        rejectIfRedisNotReady: true,
        insuranceLimiter: inMemory(),
      })
    : inMemory()
  return {
    async refund(key) {
      await limiter.reward(key)
    },
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
