import { resolveDataDir } from '@duplex/auth'
import { clusterModeOf, describeMode, redactUrl } from '@duplex/cluster'
import { features } from './features/index.ts'
import { createRealtimeServer } from './server.ts'
import { parseEnv, type Env } from './shared/env.ts'

// The only file that reads process.env, installs signal handlers or exits.

let env: Env
try {
  // The features' variables are checked here too, so every bad one is named in one error.
  env = parseEnv(process.env, features)
} catch (error) {
  console.error(`[realtime] ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}

const dataDir = resolveDataDir({ dataDir: env.DUPLEX_DATA_DIR })
const server = createRealtimeServer({
  port: env.REALTIME_PORT,
  host: env.REALTIME_HOST,
  dataDir,
  sessionSecret: env.SESSION_SECRET,
  allowedOrigins: env.ALLOWED_ORIGINS,
  webPort: env.PORT,
  trustedProxies: env.TRUSTED_PROXIES,
  dev: env.NODE_ENV !== 'production',
  env: process.env,
  features,
  socketIoMaxBufferedBytes: env.SOCKETIO_MAX_BUFFERED_BYTES,
  metricsToken: env.METRICS_TOKEN,
  // The env schema accepts both URLs or neither.
  ...(env.DATABASE_URL !== undefined &&
    env.REDIS_URL !== undefined && {
      cluster: {
        databaseUrl: env.DATABASE_URL,
        databaseSchema: env.DATABASE_SCHEMA,
        redisUrl: env.REDIS_URL,
        keyPrefix: env.REDIS_KEY_PREFIX,
        instanceTimeoutMs: env.CLUSTER_INSTANCE_TIMEOUT_MS,
      },
    }),
})
const mode = clusterModeOf(env)
const runsOn =
  mode === 'cluster'
    ? `PostgreSQL ${redactUrl(env.DATABASE_URL ?? '')}, Redis ${redactUrl(env.REDIS_URL ?? '')}`
    : `SQLite in ${dataDir}`

let shuttingDown = false
function shutdown(signal: NodeJS.Signals): void {
  if (shuttingDown) {
    console.warn(`[realtime] ${signal} again: exiting without waiting`)
    process.exit(1)
  }
  shuttingDown = true
  console.info(
    `[realtime] ${signal}: stopping (health answers 503, new connections refused); ` +
      `a second signal exits at once`,
  )
  // SHUTDOWN_TIMEOUT_MS bounds a stop that hangs; the web app reads the same variable.
  setTimeout(() => {
    console.error(`[realtime] still stopping after ${env.SHUTDOWN_TIMEOUT_MS} ms; exiting`)
    process.exit(1)
  }, env.SHUTDOWN_TIMEOUT_MS).unref()
  server.stop().then(
    () => {
      console.info('[realtime] stopped')
      process.exit(0)
    },
    (error: unknown) => {
      console.error('[realtime] stop failed', error)
      process.exit(1)
    },
  )
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
// Node exits on a rejection nobody handled. One failed call (a library's fire-and-forget write to
// Redis while it is away, say) must not take every connection of this instance down with it:
// logged once per cause, counted in /metrics, and the process keeps serving.
process.on('unhandledRejection', (reason) => server.reportUnhandledRejection(reason))

try {
  const { port } = await server.start()
  console.info(`[realtime] listening on http://localhost:${port} (${describeMode(mode, runsOn)})`)
  const proxies = env.TRUSTED_PROXIES.proxies
  console.info(
    proxies.length > 0
      ? `[realtime] per-IP limits count the client that ${proxies.join(', ')} name in X-Forwarded-For`
      : '[realtime] per-IP limits count the TCP peer (TRUSTED_PROXIES unset: no proxy trusted)',
  )
} catch (error) {
  console.error('[realtime] failed to start', error)
  process.exit(1)
}
