import { describe, expect, it } from 'vitest'
import { secondsLeft } from './countdown'

describe('secondsLeft', () => {
  it('counts down in whole seconds, rounding up', () => {
    const until = 10_000
    expect(secondsLeft(until, 3_000)).toBe(7)
    expect(secondsLeft(until, 3_001)).toBe(7)
    expect(secondsLeft(until, 4_000)).toBe(6)
    expect(secondsLeft(until, 9_999)).toBe(1)
  })

  it('stops at zero once the moment has passed', () => {
    expect(secondsLeft(10_000, 10_000)).toBe(0)
    expect(secondsLeft(10_000, 60_000)).toBe(0)
  })
})
