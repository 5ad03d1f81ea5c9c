import { env } from '@/env'
import { createJobRunner, type JobRunner } from './jobs/job-runner.ts'
import { createHeartbeat, type Heartbeat } from './sse/heartbeat.ts'
import { createMarket } from './ticker/market.ts'
import { LISTINGS } from './ticker/symbols.ts'
import { createTickerHub, type TickerHub } from './ticker/ticker-hub.ts'

interface Services {
  heartbeat: Heartbeat
  ticker: TickerHub
  jobs: JobRunner
}

// Next may load a route module more than once (dev reloads, separate route bundles), but the
// market must run once per process: the services live on globalThis under a registered symbol.
const KEY = Symbol.for('duplex.web.services')
type WithServices = typeof globalThis & { [KEY]?: Services }

function createServices(): Services {
  const heartbeat = createHeartbeat(env.SSE_HEARTBEAT_MS)
  const market = createMarket({
    listings: LISTINGS,
    seed: env.TICKER_SEED,
    intervalMs: env.TICKER_INTERVAL_MS,
  })
  const ticker = createTickerHub({
    market,
    listings: LISTINGS,
    heartbeat,
    bufferSize: env.TICKER_BUFFER_SIZE,
    retryMs: env.SSE_RETRY_MS,
    slowConsumerMs: env.SSE_SLOW_CONSUMER_MS,
  })
  return { heartbeat, ticker, jobs: createJobRunner() }
}

/** The process's market, ticker hub, job runner and heartbeat, created on first use. */
export function services(): Services {
  const g = globalThis as WithServices
  return (g[KEY] ??= createServices())
}
