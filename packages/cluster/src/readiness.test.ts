import { describe, expect, it, vi } from 'vitest'
import type { Redis } from 'ioredis'
import { cachedProbe, createReadiness, redisProbe } from './readiness.ts'

describe('createReadiness', () => {
  it('is ok with no dependency, and names each dependency with its state', async () => {
    const readiness = createReadiness()
    expect(await readiness.check()).toEqual({ status: 'ok', dependencies: {} })
    readiness.register('redis', () => 'up')
    readiness.register('database', async () => 'down' as const)
    expect(await readiness.check()).toEqual({
      status: 'unavailable',
      dependencies: { redis: 'up', database: 'down' },
    })
  })

  it('counts a probe that throws or hangs as down, within the timeout', async () => {
    const readiness = createReadiness({ probeTimeoutMs: 50 })
    readiness.register('thrower', () => {
      throw new Error('boom')
    })
    readiness.register('hanger', () => new Promise(() => undefined))
    const started = Date.now()
    expect(await readiness.check()).toEqual({
      status: 'unavailable',
      dependencies: { thrower: 'down', hanger: 'down' },
    })
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('refuses a second probe for one name, and forgets a dependency that unregisters', async () => {
    const readiness = createReadiness()
    const unregister = readiness.register('database', () => 'down')
    expect(() => readiness.register('database', () => 'up')).toThrow(/registered already/)
    unregister()
    expect(await readiness.check()).toEqual({ status: 'ok', dependencies: {} })
  })
})

describe('redisProbe', () => {
  it('is up only while every connection is ready', () => {
    const commands = { status: 'ready' } as Redis
    const subscriber = { status: 'reconnecting' } as unknown as Redis
    expect(redisProbe(commands)()).toBe('up')
    expect(redisProbe(commands, subscriber)()).toBe('down')
  })
})

describe('cachedProbe', () => {
  it('runs the check once per ttl however many ask, and shares the one in flight', async () => {
    const check = vi.fn(async () => undefined)
    const probe = cachedProbe(check, { ttlMs: 60_000 })
    expect(await Promise.all([probe(), probe(), probe()])).toEqual(['up', 'up', 'up'])
    expect(await probe()).toBe('up')
    expect(check).toHaveBeenCalledTimes(1)
  })

  it('is down when the check fails or is slower than its timeout', async () => {
    const failing = cachedProbe(async () => {
      throw new Error('connect ECONNREFUSED')
    })
    expect(await failing()).toBe('down')
    const slow = cachedProbe(() => new Promise(() => undefined), { timeoutMs: 30 })
    expect(await slow()).toBe('down')
  })

  it('answers the last result at once once it has one, and checks again in the background', async () => {
    let healthy = false
    let checks = 0
    const probe = cachedProbe(
      async () => {
        checks++
        if (!healthy) throw new Error('connect ECONNREFUSED')
      },
      { ttlMs: 0 },
    )
    expect(await probe()).toBe('down')
    healthy = true
    // Stale: answered from the last check without waiting, while the next one runs.
    expect(probe()).toBe('down')
    await vi.waitFor(() => expect(probe()).toBe('up'))
    expect(checks).toBeGreaterThanOrEqual(2)
  })
})
