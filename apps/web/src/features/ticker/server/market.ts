import { createRandom } from '@/shared/lib/random'
import type { Listing } from './symbols.ts'

/** A price change before the ticker hub stamps it with an event id. */
export interface MarketTick {
  symbol: string
  price: number
  change: number
  ts: number
  seq: number
}

export interface MarketOptions {
  listings: readonly Listing[]
  /** Same seed, same sequence of ticks. */
  seed: number
  intervalMs: number
  /** Clock for the `ts` of each tick (injected so tests are deterministic). */
  now?: () => number
  /**
   * The last published tick of some symbols, to continue from instead of the opening price: a
   * cluster's new leader picks up each symbol's price and `seq` where the previous leader stopped.
   */
  initial?: readonly MarketTick[]
}

export interface Market {
  /** Advances the market one step and returns the ticks it produced, in symbol order. */
  step(): MarketTick[]
  /** Runs `step` every interval and hands each batch to `onTicks`. Idempotent. */
  start(onTicks: (ticks: MarketTick[]) => void): void
  stop(): void
  /** The latest tick of every symbol (its opening quote until it has traded). */
  quotes(): MarketTick[]
  quote(symbol: string): MarketTick | undefined
  has(symbol: string): boolean
}

/** Standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  const u = 1 - random()
  const v = random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

// A trading year of 252 days × 6.5 h. Each step stands for one minute of trading, so a demo
// running at one step per second moves like a market on fast-forward rather than a flat line.
const STEP_IN_YEARS = 1 / (252 * 6.5 * 60)

/**
 * A simulated market: geometric Brownian motion per symbol,
 * S(t+dt) = S(t) · exp((μ − σ²/2)·dt + σ·√dt·Z), with prices rounded to cents.
 */
export function createMarket(options: MarketOptions): Market {
  const random = createRandom(options.seed)
  // Server clock with 10 µs resolution: precise enough for latency figures, short on the wire.
  const now =
    options.now ?? (() => Math.round((performance.timeOrigin + performance.now()) * 100) / 100)
  const state = new Map<string, { listing: Listing; price: number; tick: MarketTick }>()
  const initial = new Map(options.initial?.map((t) => [t.symbol, t]))
  for (const listing of options.listings) {
    const tick = initial.get(listing.symbol) ?? {
      symbol: listing.symbol,
      price: listing.open,
      change: 0,
      ts: now(),
      seq: 0,
    }
    state.set(listing.symbol, { listing, price: tick.price, tick })
  }
  let timer: ReturnType<typeof setInterval> | undefined

  const step = (): MarketTick[] => {
    const ts = now()
    const ticks: MarketTick[] = []
    for (const s of state.values()) {
      // Draw both numbers for every symbol so one symbol's activity never shifts another's path.
      const trades = random() < s.listing.activity
      const z = normal(random)
      if (!trades) continue
      const { drift, volatility } = s.listing
      s.price *= Math.exp(
        (drift - (volatility * volatility) / 2) * STEP_IN_YEARS +
          volatility * Math.sqrt(STEP_IN_YEARS) * z,
      )
      const price = Math.max(0.01, Math.round(s.price * 100) / 100)
      s.tick = {
        symbol: s.listing.symbol,
        price,
        change: Math.round((price - s.listing.open) * 100) / 100,
        ts,
        seq: s.tick.seq + 1,
      }
      ticks.push(s.tick)
    }
    return ticks
  }

  return {
    step,
    start(onTicks) {
      if (timer !== undefined) return
      timer = setInterval(() => onTicks(step()), options.intervalMs)
      timer.unref?.()
    },
    stop() {
      clearInterval(timer)
      timer = undefined
    },
    quotes: () => [...state.values()].map((s) => s.tick),
    quote: (symbol) => state.get(symbol)?.tick,
    has: (symbol) => state.has(symbol),
  }
}
