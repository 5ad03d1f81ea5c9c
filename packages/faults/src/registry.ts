import type { FaultAccepted, FaultKind } from '@duplex/protocol/faults'
import { FaultErrorCode } from '@duplex/protocol/faults'
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible'

/** What a feature hands over for one of its connections: how to apply each fault it supports. */
export type FaultTarget = Partial<Record<FaultKind, () => void>>

export interface FaultSettings {
  enabled: boolean
  /** How long a `stall` holds the connection's writes back. */
  stallMs: number
  /** Faults one session may inject per `rateSeconds`. */
  ratePoints: number
  rateSeconds: number
}

export type FaultResult =
  | { ok: true; accepted: FaultAccepted }
  | { ok: false; status: number; code: string; message: string; retryAfterSeconds?: number }

export interface FaultRegistry {
  readonly settings: FaultSettings
  /**
   * Makes `connectionId` reachable by faults from `owner` (a session's user id) only; returns the
   * unregister function, to call when the connection closes.
   */
  register(owner: string, connectionId: string, target: FaultTarget): () => void
  /** Applies `fault` to the owner's connection, after the switch and the rate limit. */
  inject(owner: string, connectionId: string, fault: FaultKind): Promise<FaultResult>
}

/**
 * The faults of this process's connections, keyed by owner AND id: a session can only ever find
 * its own connections, so a guessed or leaked id of someone else's stream is a plain 404, the same
 * answer as an id that never existed.
 */
export function createFaultRegistry(settings: FaultSettings): FaultRegistry {
  const targets = new Map<string, FaultTarget>()
  const keyOf = (owner: string, connectionId: string) => `${owner}\u0000${connectionId}`
  // Fixed window per user, in memory: faults reach only connections of this process anyway.
  const limiter = new RateLimiterMemory({
    keyPrefix: 'faults',
    points: settings.ratePoints,
    duration: settings.rateSeconds,
  })

  return {
    settings,
    register(owner, connectionId, target) {
      const key = keyOf(owner, connectionId)
      targets.set(key, target)
      return () => {
        if (targets.get(key) === target) targets.delete(key)
      }
    },
    async inject(owner, connectionId, fault) {
      if (!settings.enabled) {
        return {
          ok: false,
          status: 403,
          code: FaultErrorCode.disabled,
          message: 'Fault injection is turned off on this server (FAULTS_ENABLED=false).',
        }
      }
      const target = targets.get(keyOf(owner, connectionId))
      if (!target) {
        return {
          ok: false,
          status: 404,
          code: FaultErrorCode.unknownConnection,
          message: `None of your open connections has id ${connectionId}.`,
        }
      }
      const apply = target[fault]
      if (!apply) {
        return {
          ok: false,
          status: 400,
          code: FaultErrorCode.unsupported,
          message: `This connection does not support the "${fault}" fault.`,
        }
      }
      try {
        await limiter.consume(owner)
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error
        const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000))
        return {
          ok: false,
          status: 429,
          code: FaultErrorCode.rateLimited,
          message: `Too many faults: ${settings.ratePoints} per ${settings.rateSeconds} s. Try again in ${retryAfterSeconds} s.`,
          retryAfterSeconds,
        }
      }
      apply()
      return {
        ok: true,
        accepted: { connectionId, fault, durationMs: fault === 'stall' ? settings.stallMs : 0 },
      }
    },
  }
}
