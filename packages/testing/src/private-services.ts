import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { isPostgresReachable, isRedisReachable } from './services.ts'
import { waitFor } from './wait.ts'

// Fault tests stop and start the stores they depend on. They do it to private ones, started here
// the way an operator starts them, never to the machine's shared PostgreSQL and Redis, which other
// suites (and other sessions) are using at the same time.

const run = promisify(execFile)

/** A Redis of the test's own, started with Debian's `redis-server`, keeping nothing on disk. */
export interface PrivateRedis {
  readonly port: number
  readonly url: string
  /** Shuts it down (`SHUTDOWN NOSAVE`): its memory is gone, as after a crash or a restart. */
  stop(): Promise<void>
  /** Starts it again on the same port, empty (a no-op while it runs). Resolves once it answers `PING`. */
  start(): Promise<void>
  /** `stop`, then `start` after `downMs`. */
  restart(downMs?: number): Promise<void>
  /** Stops it for good and removes its folder. */
  dispose(): Promise<void>
}

/**
 * Starts `redis-server --port <port> --save '' --appendonly no --daemonize yes` in a temp folder.
 * `port` defaults to a free one between 6300 and 6399.
 *
 * @example
 * const redis = await startPrivateRedis()
 * await redis.restart(6000) // six seconds down, then back with nothing in it
 */
export async function startPrivateRedis(options: { port?: number } = {}): Promise<PrivateRedis> {
  const port = options.port ?? (await freePortIn(6300, 6399))
  const dir = await mkdtemp(path.join(tmpdir(), `duplex-redis-${port}-`))
  const url = `redis://127.0.0.1:${port}`
  const start = async () => {
    if (await isRedisReachable(url, { timeoutMs: 300 })) return
    await run('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'yes',
      '--dir',
      dir,
      '--pidfile',
      path.join(dir, 'redis.pid'),
      '--logfile',
      path.join(dir, 'redis.log'),
    ])
    await waitFor(() => isRedisReachable(url, { timeoutMs: 500 }), {
      timeoutMs: 10_000,
      intervalMs: 100,
      message: `private Redis on port ${port} did not start`,
    })
  }
  const stop = async () => {
    await run('redis-cli', ['-p', String(port), 'shutdown', 'nosave']).catch(() => undefined)
    await waitFor(async () => !(await isRedisReachable(url, { timeoutMs: 300 })), {
      timeoutMs: 10_000,
      intervalMs: 100,
      message: `private Redis on port ${port} did not stop`,
    })
  }
  await start()
  return {
    port,
    url,
    stop,
    start,
    async restart(downMs = 0) {
      await stop()
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs))
      await start()
    },
    async dispose() {
      await stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** A PostgreSQL cluster of the test's own (Debian's `pg_createcluster`), trust auth. */
export interface PrivatePostgres {
  readonly port: number
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string
  /** `pg_ctlcluster … stop -m fast`: open connections are terminated. */
  stop(): Promise<void>
  /** Starts it again (a no-op while it runs); resolves once it answers `select 1`. */
  start(): Promise<void>
  /** Stops and drops the cluster and its data. */
  dispose(): Promise<void>
}

/** The PostgreSQL major version Debian installed (the folder under /usr/lib/postgresql). */
const PG_VERSION = process.env.TEST_PG_VERSION ?? '15'

/**
 * Creates and starts a PostgreSQL cluster named `name` on `port` (default: a free one between
 * 5440 and 5499), as root through Debian's tools: `pg_createcluster <v> <name> -p <port> --
 * --auth=trust`, then `pg_ctlcluster <v> <name> start|stop`. A cluster of the same name left by
 * a crashed run is dropped first.
 */
export async function startPrivatePostgres(
  name: string,
  options: { port?: number } = {},
): Promise<PrivatePostgres> {
  const port = options.port ?? (await freePortIn(5440, 5499))
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  await run('pg_dropcluster', [PG_VERSION, name, '--stop']).catch(() => undefined)
  await run('pg_createcluster', [PG_VERSION, name, '-p', String(port), '--', '--auth=trust'])
  const ctl = (action: string, ...extra: string[]) =>
    run('pg_ctlcluster', [PG_VERSION, name, action, ...extra])
  const start = async () => {
    if (await isPostgresReachable(url, { timeoutMs: 500 })) return
    await ctl('start')
    await waitFor(() => isPostgresReachable(url, { timeoutMs: 500 }), {
      timeoutMs: 20_000,
      intervalMs: 200,
      message: `private PostgreSQL ${name} on port ${port} did not start`,
    })
  }
  await start()
  return {
    port,
    url,
    start,
    async stop() {
      await ctl('stop', '-m', 'fast')
    },
    async dispose() {
      await run('pg_dropcluster', [PG_VERSION, name, '--stop']).catch(() => undefined)
    },
  }
}

/**
 * Why private stores cannot be started here (Debian's `redis-server` and `pg_createcluster`
 * missing, or not root, which `pg_createcluster` needs), or undefined when they can. Fault suites
 * skip with this reason on a developer's machine that lacks them; CI installs and runs them.
 */
export async function whyNoPrivateServices(): Promise<string | undefined> {
  for (const tool of ['redis-server', 'redis-cli', 'pg_createcluster', 'pg_ctlcluster']) {
    try {
      await run('which', [tool])
    } catch {
      return `${tool} is not installed (Debian: apt-get install redis-server postgresql)`
    }
  }
  if (process.getuid?.() !== 0) return 'pg_createcluster needs root'
  return undefined
}

/** A port in [from, to] that nothing listens on right now (tried in random order). */
export async function freePortIn(from: number, to: number): Promise<number> {
  const ports = Array.from({ length: to - from + 1 }, (_, i) => from + i).sort(
    () => Math.random() - 0.5,
  )
  for (const port of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer()
      server.once('error', () => resolve(false))
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
    })
    if (free) return port
  }
  throw new Error(`no free port between ${from} and ${to}`)
}
