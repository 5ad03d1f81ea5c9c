import { createRejectionReporter, describeMode, redactUrl } from '@duplex/cluster'
import { env } from '@/shared/env'
import type { Kysely, Migration } from 'kysely'
import { RETIRED_WEB_FEATURES, type RetiredWebFeature } from './cluster/retired-features.ts'
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
  // Node exits on a rejection nobody handled; one failed call (a Redis write nobody awaited
  // while Redis is away) must not take every stream of this instance down with it. Next installs
  // a listener of its own that logs every one; ours keeps the process up whatever Next does in
  // a later version, and logs each distinct cause once.
  process.on(
    'unhandledRejection',
    createRejectionReporter({
      log: (message, reason) => console.error(`[web] ${message}`, reason),
    }),
  )
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
 * such as the signed-out sessions), then each feature's, which must start with its name, then for
 * each retired feature its old names as no-ops and `<feature>_9999_drop`, which drops its tables.
 */
export function collectWebMigrations(
  features: readonly Pick<WebFeature, 'name' | 'migrations'>[],
  shared: Record<string, Migration> = {},
  retired: readonly RetiredWebFeature[] = RETIRED_WEB_FEATURES,
): Record<string, Migration> {
  const all: Record<string, Migration> = { ...shared }
  const add = (owner: string, name: string, migration: Migration) => {
    if (!name.startsWith(`${owner}_`)) {
      throw new Error(`migration ${name} of ${owner} must be named ${owner}_<nnnn>_<what>`)
    }
    if (name in all) throw new Error(`two migrations are named ${name}`)
    all[name] = migration
  }
  for (const feature of features) {
    for (const [name, migration] of Object.entries(feature.migrations ?? {})) {
      add(feature.name, name, migration)
    }
  }
  const live = new Set(features.map((feature) => feature.name))
  for (const entry of retired) {
    if (live.has(entry.feature)) {
      throw new Error(
        `feature ${entry.feature} is listed in src/features/server.ts and as retired in ` +
          'retired-features.ts; remove one of the two',
      )
    }
    for (const name of entry.migrations) add(entry.feature, name, { async up() {} })
    add(entry.feature, `${entry.feature}_9999_drop`, {
      async up(db: Kysely<unknown>) {
        // In the order given: children first, so no foreign key points at a dropped table.
        for (const table of entry.dropTables) await db.schema.dropTable(table).ifExists().execute()
      },
    })
  }
  return all
}
