import { describe, expect, it } from 'vitest'
import { createMarket } from './market.ts'
import { LISTINGS } from './symbols.ts'

const clock = () => {
  let t = 1_700_000_000_000
  return () => (t += 1000)
}

describe('createMarket', () => {
  it('produces the same ticks for the same seed', () => {
    const a = createMarket({ listings: LISTINGS, seed: 7, intervalMs: 1000, now: clock() })
    const b = createMarket({ listings: LISTINGS, seed: 7, intervalMs: 1000, now: clock() })
    for (let i = 0; i < 50; i++) expect(a.step()).toEqual(b.step())
  })

  it('produces different paths for different seeds', () => {
    const a = createMarket({ listings: LISTINGS, seed: 1, intervalMs: 1000, now: clock() })
    const b = createMarket({ listings: LISTINGS, seed: 2, intervalMs: 1000, now: clock() })
    const pa = Array.from({ length: 20 }, () => a.step())
      .flat()
      .map((t) => t.price)
    const pb = Array.from({ length: 20 }, () => b.step())
      .flat()
      .map((t) => t.price)
    expect(pa).not.toEqual(pb)
  })

  it('numbers each symbol’s ticks 1, 2, 3… and keeps prices positive and in cents', () => {
    const market = createMarket({ listings: LISTINGS, seed: 3, intervalMs: 1000, now: clock() })
    const seen = new Map<string, number>()
    for (let i = 0; i < 500; i++) {
      for (const tick of market.step()) {
        expect(tick.seq).toBe((seen.get(tick.symbol) ?? 0) + 1)
        seen.set(tick.symbol, tick.seq)
        expect(tick.price).toBeGreaterThan(0)
        expect(Math.round(tick.price * 100) / 100).toBe(tick.price)
      }
    }
    expect(seen.size).toBe(LISTINGS.length)
  })

  it('moves like geometric Brownian motion: log returns centred near zero with the listed volatility', () => {
    const listing = {
      symbol: 'TEST',
      name: 'Test',
      open: 100,
      drift: 0,
      volatility: 0.3,
      activity: 1,
    }
    const market = createMarket({ listings: [listing], seed: 11, intervalMs: 1000, now: clock() })
    const returns: number[] = []
    let previous = 100
    for (let i = 0; i < 20_000; i++) {
      const [tick] = market.step()
      if (!tick) throw new Error('an always-active symbol must tick every step')
      returns.push(Math.log(tick.price / previous))
      previous = tick.price
    }
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length
    const sd = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / returns.length)
    const expectedSd = 0.3 * Math.sqrt(1 / (252 * 6.5 * 60))
    expect(Math.abs(mean)).toBeLessThan(expectedSd / 10)
    // Rounding to cents adds a little noise on top of the model's own spread.
    expect(sd / expectedSd).toBeGreaterThan(0.9)
    expect(sd / expectedSd).toBeLessThan(1.15)
  })

  it('reports each symbol’s latest tick as its quote', () => {
    const market = createMarket({ listings: LISTINGS, seed: 5, intervalMs: 1000, now: clock() })
    expect(market.quote('AAPL')).toMatchObject({ symbol: 'AAPL', price: 228.5, seq: 0 })
    const ticks = market.step()
    for (const tick of ticks) expect(market.quote(tick.symbol)).toEqual(tick)
    expect(market.has('NOPE')).toBe(false)
  })

  it('runs on a timer only between start and stop', async () => {
    const market = createMarket({ listings: LISTINGS, seed: 5, intervalMs: 10 })
    const batches: number[] = []
    market.start((ticks) => batches.push(ticks.length))
    market.start(() => batches.push(-1)) // a second start is ignored
    await new Promise((r) => setTimeout(r, 60))
    market.stop()
    const count = batches.length
    await new Promise((r) => setTimeout(r, 40))
    expect(count).toBeGreaterThan(1)
    expect(batches).not.toContain(-1)
    expect(batches.length).toBe(count)
  })
})

describe('createMarket with initial ticks', () => {
  it('continues each symbol from an initial tick: same price, seq counting on', () => {
    const first = createMarket({ listings: LISTINGS, seed: 5, intervalMs: 1000, now: clock() })
    for (let i = 0; i < 30; i++) first.step()
    const handedOver = first.quotes()
    const next = createMarket({
      listings: LISTINGS,
      seed: 6,
      intervalMs: 1000,
      now: clock(),
      initial: handedOver,
    })
    expect(next.quotes()).toEqual(handedOver)
    for (const tick of next.step()) {
      const before = handedOver.find((t) => t.symbol === tick.symbol)
      expect(tick.seq).toBe((before?.seq ?? 0) + 1)
      // One step of GBM moves a price by a fraction of a percent, not back to the open.
      expect(Math.abs(tick.price / (before?.price ?? 1) - 1)).toBeLessThan(0.05)
    }
  })
})
