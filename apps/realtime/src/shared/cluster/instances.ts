import type { Redis } from 'ioredis'
import type { Logger } from '../log.ts'

/** What one heartbeat learned about the cluster. */
export interface InstanceTick {
  /** Instances (this one included) whose heartbeat is fresh. */
  live: ReadonlySet<string>
  /** Instances whose heartbeat expired and that nobody has cleaned up yet. */
  dead: readonly string[]
  /**
   * True when this instance was missing from the registry although it had registered: a survivor
   * took it for dead (its event loop stalled past the timeout) or Redis lost its data. Whatever
   * this instance had published must be published again.
   */
  rejoined: boolean
}

export interface InstanceRegistry {
  readonly id: string
  /** Registers this instance, then heartbeats until {@link InstanceRegistry.stop}. */
  start(): Promise<void>
  /** Runs after every heartbeat; errors are logged, never thrown into the timer. */
  onTick(listener: (tick: InstanceTick) => Promise<void> | void): void
  /** Whether the last heartbeat saw `id` alive. */
  isLive(id: string): boolean
  /**
   * Stops heartbeating. The entry stays, so once it expires the survivors clean up whatever this
   * instance leaves behind (members whose sockets did not reconnect elsewhere).
   */
  stop(): Promise<void>
}

export interface InstanceRegistryOptions {
  redis: Redis
  /** `REDIS_KEY_PREFIX`. */
  keyPrefix: string
  id: string
  /** An instance whose heartbeat is older than this is dead (`CLUSTER_INSTANCE_TIMEOUT_MS`). */
  timeoutMs: number
  log: Logger
}

// Redis' own clock, so instances whose clocks disagree still agree on who is late.
const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local since = now - tonumber(ARGV[2])
local added = redis.call('ZADD', KEYS[1], now, ARGV[1])
return {
  added,
  redis.call('ZRANGEBYSCORE', KEYS[1], since, '+inf'),
  redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. since)
}`

/** Key of the sorted set of instances by last heartbeat. */
export function instancesKey(keyPrefix: string): string {
  return `${keyPrefix}instances`
}

/**
 * Which realtime instances are alive: each one writes its id with Redis' time into one sorted
 * set every `timeoutMs / 5`, and reads who else did within `timeoutMs`. A SIGKILLed instance just
 * stops writing, and after the timeout every survivor sees it among `dead`.
 *
 * @example
 * const instances = createInstanceRegistry({ redis, keyPrefix: 'duplex:', id, timeoutMs: 10_000, log })
 * instances.onTick(({ dead }) => sweep(dead))
 * await instances.start()
 */
export function createInstanceRegistry(options: InstanceRegistryOptions): InstanceRegistry {
  const { redis, id, timeoutMs, log } = options
  const key = instancesKey(options.keyPrefix)
  const listeners: ((tick: InstanceTick) => Promise<void> | void)[] = []
  const intervalMs = Math.max(100, Math.floor(timeoutMs / 5))
  let live: ReadonlySet<string> = new Set([id])
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let registered = false
  /** When heartbeats started failing (Redis away): logged once, and once more when they work. */
  let failingSince: number | undefined

  async function beat(): Promise<void> {
    const [added, liveIds, deadIds] = (await redis.eval(
      HEARTBEAT,
      1,
      key,
      id,
      String(timeoutMs),
    )) as [number, string[], string[]]
    const tick: InstanceTick = {
      live: new Set(liveIds),
      dead: deadIds,
      rejoined: registered && added === 1,
    }
    if (failingSince !== undefined) {
      log.info(`[cluster] heartbeat works again after ${Date.now() - failingSince} ms`)
      failingSince = undefined
    }
    if (tick.rejoined) log.warn(`[cluster] ${id} was taken for dead; publishing its state again`)
    registered = true
    live = tick.live
    for (const listener of listeners) {
      try {
        await listener(tick)
      } catch (error) {
        log.error('[cluster] heartbeat listener failed', error)
      }
    }
  }

  function schedule(): void {
    timer = setTimeout(() => {
      running = beat()
        .catch((error: unknown) => {
          // Every interval fails while Redis is away: one line for the outage, not one a beat.
          if (failingSince !== undefined) return
          failingSince = Date.now()
          log.error(
            '[cluster] heartbeat failed; retrying every beat, logged again when it works',
            error,
          )
        })
        .finally(() => {
          running = undefined
          if (timer !== undefined) schedule()
        })
    }, intervalMs)
    // The heartbeat must not keep a stopping process alive.
    timer.unref()
  }

  return {
    id,
    async start() {
      await beat()
      schedule()
    },
    onTick(listener) {
      listeners.push(listener)
    },
    isLive: (other) => live.has(other),
    async stop() {
      clearTimeout(timer)
      timer = undefined
      await running
    },
  }
}
