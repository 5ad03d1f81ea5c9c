import { resolveDataDir } from '@duplex/auth'
import { parseEnv, type Env } from './env.ts'
import { redactUrl } from './redact-url.ts'
import { createRealtimeServer } from './server.ts'

// The only file that reads process.env, installs signal handlers or exits.

/** A second signal, or a stop that hangs this long, ends the process without waiting. */
const FORCE_EXIT_MS = 10_000

let env: Env
try {
  env = parseEnv(process.env)
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
  dev: env.NODE_ENV !== 'production',
  chat: {
    maxLength: env.CHAT_MAX_LENGTH,
    ratePoints: env.CHAT_RATE_POINTS,
    rateSeconds: env.CHAT_RATE_SECONDS,
  },
  recoveryWindowMs: env.CHAT_RECOVERY_WINDOW_MS,
  compactAfter: env.YJS_COMPACT_AFTER,
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
const mode =
  env.DATABASE_URL !== undefined
    ? `cluster mode: PostgreSQL ${redactUrl(env.DATABASE_URL)}, Redis ${redactUrl(env.REDIS_URL ?? '')}`
    : `embedded mode: SQLite in ${dataDir}`

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
  setTimeout(() => {
    console.error(`[realtime] still stopping after ${FORCE_EXIT_MS} ms; exiting`)
    process.exit(1)
  }, FORCE_EXIT_MS).unref()
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

try {
  const { port } = await server.start()
  console.info(`[realtime] listening on http://localhost:${port} (${mode})`)
} catch (error) {
  console.error('[realtime] failed to start', error)
  process.exit(1)
}
