import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { testServices, createTestRedisPrefix } from '@duplex/testing/services'
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

describe('createRateLimiter in Redis', () => {
  it('shares a user’s quota between instances', async (context) => {
    const services = await testServices()
    if (!services.ok) return context.skip()
    const prefix = createTestRedisPrefix(services.redisUrl)
    const redis = new Redis(services.redisUrl)
    try {
      // Until the connection is ready, each limiter would count in its own memory (insurance).
      await redis.ping()
      const options = { points: 2, seconds: 10, redis: { client: redis, keyPrefix: prefix.prefix } }
      const onA = createRateLimiter(options)
      const onB = createRateLimiter(options)
      expect((await onA.consume('u_ada')).ok).toBe(true)
      expect((await onB.consume('u_ada')).ok).toBe(true)
      const third = await onA.consume('u_ada')
      expect(third.ok === false && third.retryAfterMs).toBeGreaterThan(0)
      expect((await onB.consume('u_bob')).ok).toBe(true)
    } finally {
      await prefix.clean()
      redis.disconnect()
    }
  })
})

describe('createRateLimiter while Redis is away', () => {
  it('answers at once from memory, still limited, and takes refunds', async () => {
    // Nothing listens on port 1: the connection is never ready, as during an outage.
    const redis = new Redis(1, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 })
    redis.on('error', () => undefined)
    try {
      const limiter = createRateLimiter({
        points: 2,
        seconds: 10,
        redis: { client: redis, keyPrefix: 'test:rl:' },
      })
      const started = Date.now()
      expect(await limiter.consume('u_ada')).toEqual({ ok: true })
      expect(await limiter.consume('u_ada')).toEqual({ ok: true })
      await limiter.refund('u_ada')
      expect(await limiter.consume('u_ada')).toEqual({ ok: true })
      expect((await limiter.consume('u_ada')).ok).toBe(false)
      expect(Date.now() - started).toBeLessThan(1000)
    } finally {
      redis.disconnect()
    }
  })
})

describe('refund', () => {
  it('gives back the point of a request the server could not serve', async () => {
    const limiter = createRateLimiter({ points: 1, seconds: 10 })
    expect((await limiter.consume('u_ada')).ok).toBe(true)
    await limiter.refund('u_ada')
    expect((await limiter.consume('u_ada')).ok).toBe(true)
    expect((await limiter.consume('u_ada')).ok).toBe(false)
  })
})
