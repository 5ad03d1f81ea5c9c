import { env } from '@/shared/env'
import { services, type WebFeature, type WebFeatureServer } from '@/shared/server/services'
import { createClusterTicker } from './cluster-ticker.ts'
import { tickerEnv } from './env.ts'
import { createPostgresIdBlocks } from './id-blocks.ts'
import { createLocalTicker } from './local-ticker.ts'
import { tickerMigrations } from './migrations.ts'
import { LISTINGS } from './symbols.ts'
import type { TickerHub } from './ticker-hub.ts'
import type { TickerStreams } from './ticker-streams.ts'

export interface TickerServer extends WebFeatureServer {
  /** This process's ticker hub: its streams, resume buffer and history. */
  hub: TickerHub
  /** Opening streams and changing subscriptions, wherever the stream is (cluster mode). */
  streams: TickerStreams
}

const SHUTDOWN_MESSAGE = 'This server is restarting; reconnecting you to another one.'

/**
 * The stock ticker's server part: one market per process, or one per cluster over Redis (its ids
 * reserved in PostgreSQL, so they never go back when Redis restarts empty).
 */
export const ticker: WebFeature<TickerServer> = {
  name: 'ticker',
  migrations: tickerMigrations,
  create({ redis, database, heartbeat }) {
    const options = {
      listings: LISTINGS,
      seed: tickerEnv.TICKER_SEED,
      intervalMs: tickerEnv.TICKER_INTERVAL_MS,
      heartbeat,
      bufferSize: tickerEnv.TICKER_BUFFER_SIZE,
      maxReplay: tickerEnv.TICKER_MAX_REPLAY,
      retryMs: env.SSE_RETRY_MS,
      slowConsumerMs: env.SSE_SLOW_CONSUMER_MS,
    }
    const service =
      redis && database
        ? createClusterTicker({ redis, ids: createPostgresIdBlocks(database), ...options })
        : createLocalTicker(options)
    return {
      hub: service.hub,
      streams: service,
      ready: service.ready,
      health: () => ({ runsMarket: service.isLeader(), ticker: service.hub.stats() }),
      async drain() {
        // Every stream gets a `retry:` hint and a `closing` event, then the market stops here.
        service.hub.closeAll(SHUTDOWN_MESSAGE)
        await service.stop()
      },
    }
  },
}

/** The ticker of this process, for its route handlers. */
export function tickerServer(): TickerServer {
  return services().use(ticker)
}
