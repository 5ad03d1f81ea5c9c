import { encodeSseFrame } from '@duplex/protocol/sse'
import { env } from '@/env'
import { createRedisClients, defaultInstanceId, type RedisClients } from './cluster/redis.ts'
import { createJobRunner } from './jobs/job-runner.ts'
import { localJobService, type JobService } from './jobs/job-service.ts'
import { createRedisJobService } from './jobs/redis-job-service.ts'
import { createHeartbeat, type Heartbeat } from './sse/heartbeat.ts'
import type { SseSink } from './sse/sse-stream.ts'
import { createClusterTicker } from './ticker/cluster-ticker.ts'
import { createMarket } from './ticker/market.ts'
import { LISTINGS } from './ticker/symbols.ts'
import { createTickerHub, type TickerHub } from './ticker/ticker-hub.ts'
import { localTickerStreams, type TickerStreams } from './ticker/ticker-streams.ts'

export interface Services {
  /** `single`: no env, everything in this process. `cluster`: DATABASE_URL + REDIS_URL. */
  mode: 'single' | 'cluster'
  instanceId: string
  heartbeat: Heartbeat
  /** This process's ticker hub: its streams, resume buffer and history. */
  ticker: TickerHub
  /** Opening streams and changing subscriptions, wherever the stream is (cluster mode). */
  tickerStreams: TickerStreams
  jobs: JobService
  /** Open job streams, so a shutdown can send their clients elsewhere. */
  jobStreams: Set<SseSink>
  /** Resolves once the instance can serve (cluster mode: caught up with the tick log). */
  ready: Promise<void>
  /** Whether the market runs in this process (always, in single-process mode). */
  runsMarket(): boolean
  /** True from the first SIGTERM on: new streams are told to come back (elsewhere). */
  draining(): boolean
  /**
   * Graceful stop, idempotent: every stream gets a `retry:` hint and ends (ticker streams also a
   * `closing` event), the market lock is handed over, jobs running here end as failed with the
   * reason, and Redis is closed.
   */
  drain(reason: string): Promise<void>
}

// Next may load a route module more than once (dev reloads, separate route bundles), but the
// market must run once per process: the services live on globalThis under a registered symbol.
const KEY = Symbol.for('duplex.web.services')
type WithServices = typeof globalThis & { [KEY]?: Services }

const SHUTDOWN_MESSAGE = 'This server is restarting; reconnecting you to another one.'

function createServices(): Services {
  const heartbeat = createHeartbeat(env.SSE_HEARTBEAT_MS)
  const jobStreams = new Set<SseSink>()
  const hubOptions = {
    listings: LISTINGS,
    heartbeat,
    bufferSize: env.TICKER_BUFFER_SIZE,
    retryMs: env.SSE_RETRY_MS,
    slowConsumerMs: env.SSE_SLOW_CONSUMER_MS,
  }
  let draining = false
  let drained: Promise<void> | undefined

  const closeStreams = (ticker: TickerHub) => {
    ticker.closeAll(SHUTDOWN_MESSAGE)
    const retry = encodeSseFrame({ retry: env.SSE_RETRY_MS })
    for (const sink of [...jobStreams]) {
      sink.write(retry)
      sink.close()
    }
  }

  if (!env.cluster) {
    const market = createMarket({
      listings: LISTINGS,
      seed: env.TICKER_SEED,
      intervalMs: env.TICKER_INTERVAL_MS,
    })
    const ticker = createTickerHub({ market, ...hubOptions })
    const runner = createJobRunner()
    return {
      mode: 'single',
      instanceId: defaultInstanceId(),
      heartbeat,
      ticker,
      tickerStreams: localTickerStreams(ticker),
      jobs: localJobService(runner),
      jobStreams,
      ready: Promise.resolve(),
      runsMarket: () => true,
      draining: () => draining,
      drain(_reason) {
        draining = true
        drained ??= (async () => {
          closeStreams(ticker)
          market.stop()
          runner.stop()
        })()
        return drained
      },
    }
  }

  const redis: RedisClients = createRedisClients({
    url: env.cluster.redisUrl,
    prefix: env.REDIS_KEY_PREFIX,
  })
  const cluster = createClusterTicker({
    redis,
    seed: env.TICKER_SEED,
    intervalMs: env.TICKER_INTERVAL_MS,
    ...hubOptions,
  })
  const jobs = createRedisJobService({ redis })
  return {
    mode: 'cluster',
    instanceId: redis.instanceId,
    heartbeat,
    ticker: cluster.hub,
    tickerStreams: cluster,
    jobs,
    jobStreams,
    ready: Promise.all([cluster.ready, jobs.ready]).then(() => undefined),
    runsMarket: () => cluster.isLeader(),
    draining: () => draining,
    drain(reason) {
      draining = true
      drained ??= (async () => {
        closeStreams(cluster.hub)
        await Promise.allSettled([cluster.stop(), jobs.stop(reason)])
        await redis.close()
      })()
      return drained
    },
  }
}

/** The process's market, ticker hub, job runner and heartbeat, created on first use. */
export function services(): Services {
  const g = globalThis as WithServices
  return (g[KEY] ??= createServices())
}
