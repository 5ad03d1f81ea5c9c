import { describe, expect, it } from 'vitest'
import { createRateLimiter } from './rate-limit.ts'

describe('createRateLimiter', () => {
  it('refuses the 11th message in a 10-per-10s window and says when to retry', async () => {
    const limiter = createRateLimiter({ points: 10, seconds: 10 })
    for (let i = 0; i < 10; i++) expect(await limiter.consume('u_ada')).toEqual({ ok: true })
    const eleventh = await limiter.consume('u_ada')
    expect(eleventh.ok).toBe(false)
    if (!eleventh.ok) {
      expect(eleventh.retryAfterMs).toBeGreaterThan(0)
      expect(eleventh.retryAfterMs).toBeLessThanOrEqual(10_000)
    }
  })

  it('counts each user on their own', async () => {
    const limiter = createRateLimiter({ points: 1, seconds: 10 })
    expect((await limiter.consume('u_ada')).ok).toBe(true)
    expect((await limiter.consume('u_bob')).ok).toBe(true)
    expect((await limiter.consume('u_ada')).ok).toBe(false)
  })

  it('allows messages again once the window has passed', async () => {
    const limiter = createRateLimiter({ points: 1, seconds: 1 })
    expect((await limiter.consume('u_ada')).ok).toBe(true)
    expect((await limiter.consume('u_ada')).ok).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    expect((await limiter.consume('u_ada')).ok).toBe(true)
  })
})
