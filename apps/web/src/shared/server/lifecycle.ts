import { describeMode, redactUrl } from '@duplex/cluster'
import { env } from '@/shared/env'
import type { Migration } from 'kysely'
import { services, type WebFeature } from './services.ts'
import { revocations } from './session.ts'

// The web app's entry is `next start`; this is the one place that installs signal handlers or
// exits, called once from instrumentation.ts before the server takes requests.

/** How long start-up may wait for Redis before giving up with a clear message. */
const READY_TIMEOUT_MS = 20_000

/**
 * Creates the services and every feature's server part (the market starts now, not on the first
 * request), waits until they can serve (cluster mode: Redis reachable, the tick log read), and
 * hooks graceful shutdown into SIGTERM/SIGINT.
 *
 * `next start` handles those signals itself: it stops accepting connections and exits once the
 * open requests have finished. Event streams never finish on their own, so without this hook a
 * SIGTERM would wait forever. Here each stream is told to come back (a `retry:` hint, a `closing`
 * event) and ended, the market lock is handed over and jobs running here are ended with the
 * reason; Next's own handler then sees no open request and exits. `SHUTDOWN_TIMEOUT_MS` bounds
 * the whole, and a second signal exits at once (Next ignores repeats).
 */
export async function startServices(
  features: readonly WebFeature[],
  sharedMigrations: Record<string, Migration> = {},
): Promise<void> {
  const app = services()
  const ready = (async () => {
    // Tables first: a feature may read its own as soon as it is created.
    if (app.database) {
      const applied = await app.database.migrate(collectWebMigrations(features, sharedMigrations))
      if (applied.length > 0) console.info(`[web] database: applied ${applied.join(', ')}`)
    }
    // Signed-out sessions: in cluster mode it subscribes and loads now, so the first requests
    // are checked from memory and Redis rather than each asking the database.
    revocations()
    await Promise.all(features.map((feature) => app.use(feature).ready))
  })()
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    await Promise.race([
      ready,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`not ready after ${READY_TIMEOUT_MS / 1000} s`)),
          READY_TIMEOUT_MS,
        )
      }),
    ])
  } catch (error) {
    console.error(
      `[web] cluster mode could not start (PostgreSQL at ${env.DATABASE_URL ? redactUrl(env.DATABASE_URL) : 'unset'}, ` +
        `Redis at ${env.REDIS_URL ? redactUrl(env.REDIS_URL) : 'unset'}): ${(error as Error).message}`,
    )
    process.exit(1)
  } finally {
    clearTimeout(timer)
  }

  let signalled = false
  const exit = process.exit.bind(process)
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      console.warn(`[web] ${signal} again: exiting without waiting`)
      exit(1)
    }
    signalled = true
    console.info(`[web] ${signal}: sending streams elsewhere, then exiting`)
    setTimeout(() => {
      console.error(`[web] still stopping after ${env.SHUTDOWN_TIMEOUT_MS} ms; exiting`)
      exit(1)
    }, env.SHUTDOWN_TIMEOUT_MS).unref()
    const drained = app
      .drain('The server running this job was shut down before the job finished.')
      .then(() => console.info('[web] drained: market lock handed over, jobs here ended'))
      .catch((error: unknown) => console.error('[web] drain failed', error))
    // Next's own handler exits as soon as its HTTP server has closed, which with no client
    // connected is a few milliseconds: before the lock is handed over and the jobs here are
    // ended. Its exit waits for ours (still bounded by the timer above). Redis closes only then:
    // until Next's server has closed, a request can still land here and read its session.
    process.exit = ((code?: number) => {
      void drained
        .then(() => app.close())
        .catch((error: unknown) => console.error('[web] closing Redis failed', error))
        .finally(() => exit(code))
    }) as typeof process.exit
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  console.info(
    `[web] ${describeMode(app.mode, app.mode === 'cluster' ? `instance ${app.instanceId}` : 'one process')}`,
  )
}

/**
 * Every migration of the web app's database: the shared ones (tables more than one owner uses,
 * such as the signed-out sessions), then each feature's, which must start with its name.
 */
export function collectWebMigrations(
  features: readonly Pick<WebFeature, 'name' | 'migrations'>[],
  shared: Record<string, Migration> = {},
): Record<string, Migration> {
  const all: Record<string, Migration> = { ...shared }
  for (const feature of features) {
    for (const [name, migration] of Object.entries(feature.migrations ?? {})) {
      if (!name.startsWith(`${feature.name}_`)) {
        throw new Error(
          `migration ${name} of ${feature.name} must be named ${feature.name}_<nnnn>_<what>`,
        )
      }
      if (name in all) throw new Error(`two migrations are named ${name}`)
      all[name] = migration
    }
  }
  return all
}
