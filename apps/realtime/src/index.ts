import { resolveDataDir } from '@duplex/auth'
import { parseEnv, type Env } from './env.ts'
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
  compactAfter: env.YJS_COMPACT_AFTER,
})

let shuttingDown = false
function shutdown(signal: NodeJS.Signals): void {
  if (shuttingDown) {
    console.warn(`[realtime] ${signal} again: exiting without waiting`)
    process.exit(1)
  }
  shuttingDown = true
  console.info(`[realtime] ${signal}: closing connections and flushing documents`)
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
  console.info(`[realtime] listening on http://localhost:${port} (data in ${dataDir})`)
} catch (error) {
  console.error('[realtime] failed to start', error)
  process.exit(1)
}
