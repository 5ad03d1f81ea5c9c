import { describe, expect, it } from 'vitest'
import { createRateMeter } from './rate-meter.ts'

describe('createRateMeter', () => {
  it('reports messages per second over the window', () => {
    const meter = createRateMeter(2000, () => 0)
    for (let at = 0; at < 10; at++) meter.record(at * 100)
    expect(meter.rate(1000)).toBe(5)
  })

  it('forgets messages older than the window', () => {
    const meter = createRateMeter(1000, () => 0)
    meter.record(0)
    meter.record(500)
    meter.record(900)
    expect(meter.rate(999)).toBe(3)
    expect(meter.rate(1000)).toBe(2)
    expect(meter.rate(1500)).toBe(1)
    expect(meter.rate(5000)).toBe(0)
  })

  it('reads its own clock when no time is given', () => {
    let now = 0
    const meter = createRateMeter(500, () => now)
    meter.record()
    meter.record()
    now = 499
    expect(meter.rate()).toBe(4)
    now = 500
    expect(meter.rate()).toBe(0)
  })

  it('stays correct after compacting a long history', () => {
    const meter = createRateMeter(1000, () => 0)
    for (let at = 0; at < 10_000; at++) meter.record(at)
    expect(meter.rate(9_999)).toBe(1000)
  })

  it('refuses a window that is not positive', () => {
    expect(() => createRateMeter(0)).toThrow(RangeError)
  })
})
