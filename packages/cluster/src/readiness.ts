import type { Redis } from 'ioredis'

/** What a probe says about one dependency. */
export type DependencyState = 'up' | 'down'

/**
 * Asks one dependency whether it can serve. Must be cheap: readiness is probed every few seconds
 * by every balancer and orchestrator, so read a connection's state or a cached answer (see
 * {@link redisProbe}, {@link cachedProbe}), never open a connection per call.
 */
export type Probe = () => DependencyState | Promise<DependencyState>

/** The body of a readiness answer (`GET /readyz`, `GET /api/ready`). */
export interface ReadinessReport {
  /** `ok` when every dependency is up; `unavailable` (answered with 503) otherwise. */
  status: 'ok' | 'unavailable'
  /** Each registered dependency by name, e.g. `{ database: 'down', redis: 'up' }`. */
  dependencies: Record<string, DependencyState>
}

export interface Readiness {
  /**
   * Adds a dependency under `name` (`database`, `redis`…). Returns the function that removes it
   * again. A name can be registered once: two probes for one name would hide each other.
   */
  register(name: string, probe: Probe): () => void
  /** Runs every probe at once, each bounded by the timeout; a probe that throws or hangs is `down`. */
  check(): Promise<ReadinessReport>
}

export interface ReadinessOptions {
  /** How long one probe may take before it counts as `down`. Default 1000 ms. */
  probeTimeoutMs?: number
}

/**
 * A registry of what this process needs to serve, answering "can this instance serve right now?"
 * and, when it cannot, naming what is missing. Each part of the app registers its own dependency
 * where it opens it, so the readiness endpoint never has to know the list.
 *
 * Readiness is not liveness: an instance whose Redis is away still serves what it can (chat keeps
 * storing and delivering locally), and restarting it would not bring Redis back. Liveness
 * endpoints stay 200 for an outage of a dependency and may show this report in their body.
 *
 * @example
 * const readiness = createReadiness()
 * readiness.register('redis', redisProbe(redis))
 * const report = await readiness.check() // { status: 'ok', dependencies: { redis: 'up' } }
 */
export function createReadiness(options: ReadinessOptions = {}): Readiness {
  const probeTimeoutMs = options.probeTimeoutMs ?? 1000
  const probes = new Map<string, Probe>()
  return {
    register(name, probe) {
      if (probes.has(name)) throw new Error(`readiness: ${name} is registered already`)
      probes.set(name, probe)
      return () => {
        if (probes.get(name) === probe) probes.delete(name)
      }
    },
    async check() {
      const entries = await Promise.all(
        [...probes].map(
          async ([name, probe]) => [name, await runBounded(probe, probeTimeoutMs)] as const,
        ),
      )
      const dependencies = Object.fromEntries(entries)
      const allUp = entries.every(([, state]) => state === 'up')
      return { status: allUp ? 'ok' : 'unavailable', dependencies }
    },
  }
}

async function runBounded(probe: Probe, timeoutMs: number): Promise<DependencyState> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([
      Promise.resolve().then(probe),
      new Promise<DependencyState>((resolve) => {
        timer = setTimeout(() => resolve('down'), timeoutMs)
        timer.unref?.()
      }),
    ])
  } catch {
    return 'down'
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Redis is up while every one of `clients` is `ready`: ioredis knows the state of its connection
 * (it sees the socket close at once when Redis stops), so asking costs nothing.
 *
 * @example
 * readiness.register('redis', redisProbe(commands, subscriber))
 */
export function redisProbe(...clients: Redis[]): Probe {
  return () => (clients.every((client) => client.status === 'ready') ? 'up' : 'down')
}

export interface CachedProbeOptions {
  /** A result is reused for this long, so a probe storm costs one round trip. Default 1000 ms. */
  ttlMs?: number
  /** A check that takes longer than this is `down`. Default 1000 ms. */
  timeoutMs?: number
}

/**
 * A probe that runs `check` (a round trip such as `select 1`) at most once per `ttlMs`, however
 * many readiness requests arrive. `check` resolving means `up`; rejecting or taking longer than
 * `timeoutMs` means `down`. Only the very first call waits for a check: later ones answer the last
 * result at once and, when it is older than `ttlMs`, start the next check in the background, so a
 * probe of a store that hangs never makes a liveness answer slow.
 *
 * @example
 * readiness.register('database', cachedProbe(() => pool.query('select 1')))
 */
export function cachedProbe(
  check: () => Promise<unknown>,
  options: CachedProbeOptions = {},
): Probe {
  const ttlMs = options.ttlMs ?? 1000
  const timeoutMs = options.timeoutMs ?? 1000
  let last: { state: DependencyState; at: number } | undefined
  let inFlight: Promise<DependencyState> | undefined
  const refresh = () =>
    (inFlight ??= runBounded(async (): Promise<DependencyState> => {
      await check()
      return 'up'
    }, timeoutMs).then((state) => {
      last = { state, at: Date.now() }
      inFlight = undefined
      return state
    }))
  return () => {
    if (!last) return refresh()
    if (Date.now() - last.at >= ttlMs) void refresh()
    return last.state
  }
}
