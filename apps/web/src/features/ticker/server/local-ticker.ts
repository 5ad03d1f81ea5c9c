import type { Heartbeat } from '@/shared/server/sse/heartbeat'
import { createMarket, type Market } from './market.ts'
import type { Listing } from './symbols.ts'
import { createTickerHub, type TickFeed } from './ticker-hub.ts'
import type { TickerService } from './ticker-streams.ts'

export interface LocalTickerOptions {
  listings: readonly Listing[]
  seed: number
  intervalMs: number
  heartbeat: Heartbeat
  bufferSize: number
  maxReplay?: number
  retryMs: number
  slowConsumerMs: number
}

/** The feed of one process: every market step goes to the hub, which numbers the ticks. */
export function marketFeed(market: Market): TickFeed {
  return { start: (target) => market.start(target.publish) }
}

/** One process: the market runs here, and the hub is the whole ticker. */
export function createLocalTicker(options: LocalTickerOptions): TickerService {
  const { seed, intervalMs, ...hubOptions } = options
  const market = createMarket({ listings: options.listings, seed, intervalMs })
  const hub = createTickerHub({ feed: marketFeed(market), quotes: market, ...hubOptions })
  return {
    hub,
    ready: Promise.resolve(),
    isLeader: () => true,
    open: async (streamOptions) => hub.openStream(streamOptions),
    change: async (connectionId, owner, add, remove) =>
      hub.changeSubscription(connectionId, owner, add, remove),
    stop: async () => market.stop(),
  }
}
