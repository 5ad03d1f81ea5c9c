import type { SessionUser } from '@duplex/protocol/session'
import type { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { DocStore } from './repository.ts'

export interface DocCreationLimits {
  /** `YJS_DOC_QUOTA`: documents one user may create in all. */
  quota: number
  /** `YJS_CREATE_RATE_POINTS` documents per `YJS_CREATE_RATE_SECONDS`, per user. */
  ratePoints: number
  rateSeconds: number
}

export type CreationVerdict =
  | { ok: true }
  | { ok: false; code: 'rate_limited'; retryAfterSeconds: number; message: string }
  | { ok: false; code: 'limit_reached'; message: string }

export interface DocCreation {
  /**
   * Creates the document for `user` unless it exists, within their quota and creation rate.
   * Opening an existing document is always allowed. With `create: false` (opening `/yjs/<name>`)
   * it only admits: the rate is charged, but the row waits for the first edit (and is owned by
   * whoever makes it), so a URL that nobody types into never reaches the list.
   */
  ensure(
    name: string,
    user: SessionUser,
    options?: { create?: boolean },
  ): Promise<CreationVerdict & { created?: boolean }>
}

/**
 * Who may create documents and how fast: one place for both doors (the `/yjs/<name>` upgrade
 * and `POST /api/docs`). The rate is rate-limiter-flexible's (Redis in cluster mode, shared by
 * every instance); the quota is counted in the table, so it holds across restarts.
 *
 * @example
 * const creation = createDocCreation(store, { quota: 100, ratePoints: 10, rateSeconds: 60 })
 * const verdict = await creation.ensure('notes', session.user)
 */
export function createDocCreation(
  store: DocStore,
  limits: DocCreationLimits,
  redis?: { client: Redis; keyPrefix: string },
): DocCreation {
  const limiter = redis
    ? new RateLimiterRedis({
        storeClient: redis.client,
        keyPrefix: `${redis.keyPrefix}rl:yjs-create`,
        points: limits.ratePoints,
        duration: limits.rateSeconds,
      })
    : new RateLimiterMemory({ points: limits.ratePoints, duration: limits.rateSeconds })
  // A name admitted but not yet edited has no row, so without this every reconnect (and every
  // other tab of the same user) would pay for it again. Bounded: the oldest entries go first.
  const admitted = new Map<string, number>()
  const ADMITTED_MAX = 10_000
  const admittedRecently = (key: string) => {
    const at = admitted.get(key)
    return at !== undefined && Date.now() - at < limits.rateSeconds * 1000
  }
  return {
    async ensure(name, user, { create = true } = {}) {
      const userId = user.id
      if (await store.getDoc(name)) return { ok: true, created: false }
      const key = `${userId}\u0000${name}`
      if (!create && admittedRecently(key)) return { ok: true, created: false }
      if ((await store.countDocsCreatedBy(userId)) >= limits.quota) {
        return {
          ok: false,
          code: 'limit_reached',
          message: `you have created ${limits.quota} documents, the most one user may; open an existing one`,
        }
      }
      try {
        await limiter.consume(userId)
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error
        const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000))
        return {
          ok: false,
          code: 'rate_limited',
          retryAfterSeconds,
          message: `at most ${limits.ratePoints} new documents per ${limits.rateSeconds} s; retry in ${retryAfterSeconds} s`,
        }
      }
      if (!create) {
        admitted.delete(key)
        admitted.set(key, Date.now())
        if (admitted.size > ADMITTED_MAX) admitted.delete(admitted.keys().next().value as string)
        return { ok: true, created: false }
      }
      const { created } = await store.createDoc(name, { id: user.id, name: user.name })
      return { ok: true, created }
    },
  }
}
