import type { Redis } from 'ioredis'
import { createRateLimiter, type RateLimiter, type RateLimitResult } from './rate-limit.ts'

/**
 * What an inbound chat event costs: each kind has its own budget, so a flood of cheap reads
 * cannot starve sending, and creating rooms (announced to every socket) is the scarcest.
 */
export type BudgetKind = 'create' | 'read' | 'write' | 'send'

export interface Budget {
  points: number
  seconds: number
}

export type Budgets = Record<BudgetKind, Budget>

export interface BudgetOptions {
  budgets: Budgets
  /** Each budget holds per IP too, this many times over (`CHAT_RATE_IP_FACTOR`). */
  ipFactor: number
  /** Cluster mode: counted in Redis, so every instance shares one quota. */
  redis?: { client: Redis; keyPrefix: string } | undefined
}

export interface BudgetRefusal {
  ok: false
  retryAfterMs: number
  /** Which quota ran out: the user's own, or their IP's (several sessions from one place). */
  scope: 'user' | 'ip'
}

export interface BudgetLimiter {
  /** Takes one point of `kind` from the user and from the IP; refuses when either is used up. */
  consume(kind: BudgetKind, userId: string, ip: string): Promise<{ ok: true } | BudgetRefusal>
  /**
   * Gives back the points {@link BudgetLimiter.consume} took, for a request the server could not
   * serve (a store was down): a client that retries as told must not run out of budget for it.
   */
  refund(kind: BudgetKind, userId: string, ip: string): Promise<void>
}

/**
 * Rate limits of the chat's inbound events, by kind, per user and per IP, on
 * rate-limiter-flexible (memory in single mode, Redis in cluster mode).
 *
 * @example
 * const budgets = createBudgetLimiter({ budgets, ipFactor: 5 })
 * const allowed = await budgets.consume('read', user.id, clientAddressOf(socket, proxyTrust))
 */
export function createBudgetLimiter(options: BudgetOptions): BudgetLimiter {
  const limiters = new Map<string, RateLimiter>()
  for (const [kind, budget] of Object.entries(options.budgets)) {
    for (const scope of ['user', 'ip'] as const) {
      const points = scope === 'user' ? budget.points : budget.points * options.ipFactor
      // `send` keeps the key it always had, so a rolling upgrade shares the users' counts.
      const name = kind === 'send' && scope === 'user' ? 'send' : `${kind}:${scope}`
      limiters.set(
        `${kind}:${scope}`,
        createRateLimiter({
          points,
          seconds: budget.seconds,
          ...(options.redis && {
            redis: { ...options.redis, keyPrefix: `${options.redis.keyPrefix}rl:${name}` },
          }),
        }),
      )
    }
  }
  function limiter(kind: BudgetKind, scope: 'user' | 'ip'): RateLimiter {
    const found = limiters.get(`${kind}:${scope}`)
    if (!found) throw new Error(`no budget for ${kind}`)
    return found
  }
  return {
    async consume(kind, userId, ip) {
      const byUser: RateLimitResult = await limiter(kind, 'user').consume(userId)
      if (!byUser.ok) return { ...byUser, scope: 'user' }
      const byIp = await limiter(kind, 'ip').consume(ip)
      if (!byIp.ok) return { ...byIp, scope: 'ip' }
      return { ok: true }
    },
    async refund(kind, userId, ip) {
      await Promise.all([limiter(kind, 'user').refund(userId), limiter(kind, 'ip').refund(ip)])
    },
  }
}
