import { describe, expect, it } from 'vitest'
import { fullJitterDelay } from './backoff.ts'

const lowest = () => 0
const highest = () => 0.999_999_999

describe('fullJitterDelay', () => {
  it('can draw zero, however many attempts failed', () => {
    expect(fullJitterDelay(0, { baseMs: 100 }, lowest)).toBe(0)
    expect(fullJitterDelay(9, { baseMs: 100 }, lowest)).toBe(0)
  })

  it('doubles the ceiling with each attempt, starting at baseMs', () => {
    const ceilings = [0, 1, 2, 3].map((attempt) =>
      fullJitterDelay(attempt, { baseMs: 100, maxMs: 10_000 }, highest),
    )
    expect(ceilings).toEqual([100, 200, 400, 800])
  })

  it('never exceeds maxMs, even when 2^attempt overflows', () => {
    expect(fullJitterDelay(5, { baseMs: 100, maxMs: 1000 }, highest)).toBe(1000)
    expect(fullJitterDelay(5000, { baseMs: 100, maxMs: 1000 }, highest)).toBe(1000)
  })

  it('spreads draws uniformly over the whole range', () => {
    expect(fullJitterDelay(2, { baseMs: 100, maxMs: 10_000 }, () => 0.5)).toBe(200)
  })

  it('defaults to a 1 s base and a 30 s ceiling', () => {
    expect(fullJitterDelay(0, {}, highest)).toBe(1000)
    expect(fullJitterDelay(10, {}, highest)).toBe(30_000)
  })

  it('returns whole milliseconds', () => {
    for (let i = 0; i < 100; i++) {
      expect(Number.isInteger(fullJitterDelay(3, { baseMs: 7 }))).toBe(true)
    }
  })
})
