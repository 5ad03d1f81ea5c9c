import { env } from '@/shared/env'
import { cachedProbe, createInstanceId, createReadiness, type Readiness } from '@duplex/cluster'
import type { Migration } from 'kysely'
import { createWebDatabase, type WebDatabase } from './cluster/database.ts'
import { createRedisClients, type RedisClients } from './cluster/redis.ts'
import { createHeartbeat, type Heartbeat } from './sse/heartbeat.ts'

/** What every feature's server part is given: the process's shared pieces. */
export interface WebFeatureContext {
  /** `single`: no env, everything in this process. `cluster`: DATABASE_URL + REDIS_URL. */
  mode: 'single' | 'cluster'
  instanceId: string
  /** One heartbeat timer for every event stream of the process. */
  heartbeat: Heartbeat
  /** The Redis connections of cluster mode; `undefined` in single-process mode. */
  redis: RedisClients | undefined
  /**
   * PostgreSQL in cluster mode (`DATABASE_URL`), migrated before any feature is created;
   * `undefined` in single-process mode. What must survive a Redis restart goes here.
   */
  database: WebDatabase | undefined
  /** True from the first SIGTERM on: new streams are told to come back (elsewhere). */
  draining(): boolean
  /**
   * What `GET /api/ready` reports: every dependency of this process, registered where it is
   * opened (`redis` here in cluster mode). A part that opens its own (a database pool) registers
   * it with a cheap, bounded probe: `readiness.register('database', cachedProbe(() => ping()))`.
   */
  readiness: Readiness
}

/** One feature's running server part. */
export interface WebFeatureServer {
  /** Resolves once the feature can serve (cluster mode: caught up with Redis). */
  ready?: Promise<void>
  /** What the feature adds to `GET /api/health`, e.g. `{ ticker: { connections } }`. */
  health?(): Record<string, unknown>
  /**
   * Graceful stop: send this feature's streams elsewhere (a `retry:` hint, then the end), hand
   * over what this instance holds, end what runs here with `reason`. Redis stays open: requests
   * still in flight (a page asking who is signed in) read sessions from it until the exit.
   */
  drain(reason: string): Promise<void>
}

/** A feature's server part as the composition root (`src/features/server.ts`) lists it. */
export interface WebFeature<T extends WebFeatureServer = WebFeatureServer> {
  /** Unique; names the instance in the process-wide registry. */
  name: string
  /**
   * Its tables in cluster mode, named `<name>_<nnnn>_<what>`; applied at start-up, before
   * `create`. Never edit one that has shipped; add one.
   */
  migrations?: Record<string, Migration>
  create(context: WebFeatureContext): T
}

export interface Services extends WebFeatureContext {
  /** The feature's server part, created on first use, once per process. */
  use<T extends WebFeatureServer>(feature: WebFeature<T>): T
  /** Graceful stop of every feature created so far. Idempotent. */
  drain(reason: string): Promise<void>
  /**
   * Closes Redis and PostgreSQL, once the HTTP server takes no more requests (at the exit).
   * Idempotent.
   */
  close(): Promise<void>
}

// Next may load a route module more than once (dev reloads, separate route bundles), but the
// market must run once per process: the services live on globalThis under a registered symbol,
// and features are found by name, not by the identity of a module that may exist twice.
const KEY = Symbol.for('duplex.web.services')
type WithServices = typeof globalThis & { [KEY]?: Services }

function createServices(): Services {
  const redis: RedisClients | undefined = env.cluster
    ? createRedisClients({ url: env.cluster.redisUrl, prefix: env.REDIS_KEY_PREFIX })
    : undefined
  const database: WebDatabase | undefined =
    env.cluster && redis
      ? createWebDatabase({
          url: env.cluster.databaseUrl,
          schema: env.DATABASE_SCHEMA,
          instanceId: redis.instanceId,
        })
      : undefined
  const heartbeat = createHeartbeat(env.SSE_HEARTBEAT_MS)
  const readiness = createReadiness()
  if (redis) readiness.register('redis', redis.probe)
  if (database)
    readiness.register(
      'database',
      cachedProbe(() => database.pool.query('select 1')),
    )
  const created = new Map<string, WebFeatureServer>()
  let draining = false
  let drained: Promise<void> | undefined
  let closed: Promise<void> | undefined

  const context: WebFeatureContext = {
    mode: redis ? 'cluster' : 'single',
    instanceId: redis?.instanceId ?? createInstanceId(),
    heartbeat,
    redis,
    database,
    draining: () => draining,
    readiness,
  }

  return {
    ...context,
    use<T extends WebFeatureServer>(feature: WebFeature<T>): T {
      let server = created.get(feature.name)
      if (!server) {
        server = feature.create(context)
        created.set(feature.name, server)
      }
      return server as T
    },
    drain(reason) {
      draining = true
      drained ??= (async () => {
        await Promise.allSettled([...created.values()].map(async (server) => server.drain(reason)))
      })()
      return drained
    },
    close() {
      closed ??= (async () => {
        await drained
        await Promise.all([redis?.close(), database?.close()])
      })()
      return closed
    },
  }
}

/** The process's services, created on first use. */
export function services(): Services {
  const g = globalThis as WithServices
  return (g[KEY] ??= createServices())
}
