import type { Job } from '@duplex/protocol/jobs'
import type { RedisClients } from '../cluster/redis.ts'
import { newJob, planSteps, type JobEvent, type Step } from './job-runner.ts'
import type { JobService } from './job-service.ts'

export interface RedisJobServiceOptions {
  redis: RedisClients
  /** Randomness of step lengths (seed it in tests). */
  random?: () => number
  now?: () => number
  /**
   * How long a runner's heartbeat lives. A job whose runner has not renewed it for this long is
   * failed by whichever instance notices first.
   */
  leaseMs?: number
  /** How often each instance looks for such jobs. */
  sweepMs?: number
  /** Jobs the list keeps (newest first). */
  retain?: number
  /** How long an ended job stays readable. */
  endedTtlSeconds?: number
  defaultDurationMs?: number
  log?: (message: string) => void
}

/**
 * Compare-and-set of one job: applies only if nobody changed the job since it was read (its event
 * `seq` is the version), and, for a sweep, only while the runner's lease is still gone. The new
 * state and its event are published in the same step, so every instance sees each event once.
 * Returns 1 when applied, 0 when the job changed meanwhile (read again), -1 when the lease is back.
 */
const TRANSITION = `
if redis.call('HGET', KEYS[1], 'seq') ~= ARGV[1] then return 0 end
if ARGV[10] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
redis.call('HSET', KEYS[1], 'seq', ARGV[2], 'job', ARGV[3], 'last', ARGV[4])
if ARGV[5] == '1' then
  redis.call('SREM', KEYS[2], ARGV[6])
  redis.call('EXPIRE', KEYS[1], ARGV[9])
end
redis.call('PUBLISH', ARGV[7], ARGV[8])
return 1`

type Change = { job: Job; event: Omit<JobEvent, 'seq'> } | null
type Outcome =
  | { kind: 'changed'; job: Job; event: JobEvent }
  | { kind: 'unchanged'; job: Job }
  | { kind: 'missing' }

interface Watcher {
  listener: (event: JobEvent) => void
  seen: number
}

const terminal = (event: JobEvent) => event.event !== 'progress'

/**
 * Jobs of a cluster. A job runs on the instance that created it (timers there), but its state and
 * last event live in Redis and every event is published, so it can be read, followed and
 * cancelled from any instance. The runner renews a lease; when an instance dies, another one sees
 * the lease gone and ends the job as `failed` with the reason, at the percent it really reached.
 */
export function createRedisJobService(options: RedisJobServiceOptions): JobService & {
  ready: Promise<void>
} {
  const { redis } = options
  const me = redis.instanceId
  const random = options.random ?? Math.random
  const now = options.now ?? Date.now
  const leaseMs = options.leaseMs ?? 5000
  const sweepMs = options.sweepMs ?? 1000
  const retain = options.retain ?? 200
  const endedTtl = String(options.endedTtlSeconds ?? 86_400)
  const log = options.log ?? ((message: string) => console.warn(`[web] ${message}`))
  const keys = {
    job: (id: string) => redis.key('job', id),
    index: redis.key('jobs', 'index'),
    running: redis.key('jobs', 'running'),
    lease: (instance: string) => redis.key('jobs', 'lease', instance),
    events: redis.key('jobs', 'events'),
  }
  /** Jobs whose timers run in this process: id → stop its next step. */
  const runningHere = new Map<string, () => void>()
  const watchers = new Map<string, Set<Watcher>>()
  let stopped = false

  const deliver = (jobId: string, event: JobEvent) => {
    if (terminal(event)) {
      // Cancelled (or failed by a sweep) elsewhere: stop our timers for it.
      runningHere.get(jobId)?.()
      runningHere.delete(jobId)
    }
    for (const watcher of watchers.get(jobId) ?? []) {
      if (event.seq <= watcher.seen) continue
      watcher.seen = event.seq
      watcher.listener(event)
    }
  }

  const read = async (id: string) => {
    const [seq, job, last, runner] = await redis.command.hmget(
      keys.job(id),
      'seq',
      'job',
      'last',
      'runner',
    )
    if (!seq || !job || !last) return undefined
    return {
      seq,
      job: JSON.parse(job) as Job,
      last: JSON.parse(last) as JobEvent,
      runner: runner ?? '',
    }
  }

  const transition = async (
    id: string,
    compute: (job: Job, runner: string) => Change,
    sweep?: { runner: string },
  ): Promise<Outcome> => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await read(id)
      if (!current) return { kind: 'missing' }
      const change = compute(current.job, current.runner)
      if (!change) return { kind: 'unchanged', job: current.job }
      const event = { ...change.event, seq: current.last.seq + 1 } as JobEvent
      const result = await redis.command.eval(
        TRANSITION,
        3,
        keys.job(id),
        keys.running,
        keys.lease(sweep?.runner ?? current.runner),
        current.seq,
        String(event.seq),
        JSON.stringify(change.job),
        JSON.stringify(event),
        terminal(event) ? '1' : '0',
        id,
        keys.events,
        JSON.stringify({ jobId: id, event }),
        endedTtl,
        sweep ? '1' : '0',
      )
      if (result === 1) return { kind: 'changed', job: change.job, event }
      if (result === -1) return { kind: 'unchanged', job: current.job }
    }
    throw new Error(`job ${id} kept changing under a transition`)
  }

  const ending =
    (status: 'done' | 'failed' | 'cancelled', reason: string | null, message: string) =>
    (job: Job): Change => {
      if (job.status !== 'running') return null
      const t = now()
      const ended: Job = { ...job, status, reason, message, updatedAt: t, endedAt: t }
      return { job: ended, event: { event: status, data: { job: ended } } }
    }

  const run = (id: string, steps: Step[], index: number, startedAt: number, failAt?: string) => {
    const step = steps[index]
    if (!step || !runningHere.has(id)) return
    const attempt = (delay: number) => {
      const timer = setTimeout(() => {
        void (async () => {
          if (!runningHere.has(id)) return
          try {
            if (failAt !== undefined && step.stage === failAt) {
              await transition(
                id,
                ending(
                  'failed',
                  'The CDN refused the upload (simulated failure).',
                  'Publishing failed',
                ),
              )
              runningHere.delete(id)
              return
            }
            const t = now()
            const outcome = await transition(id, (job) =>
              job.status !== 'running'
                ? null
                : {
                    job: {
                      ...job,
                      percent: step.percent,
                      stage: step.stage,
                      message: step.message,
                      updatedAt: t,
                    },
                    event: {
                      event: 'progress',
                      data: {
                        jobId: id,
                        percent: step.percent,
                        stage: step.stage,
                        message: step.message,
                        ts: t,
                      },
                    },
                  },
            )
            if (outcome.kind !== 'changed') {
              runningHere.delete(id) // it ended elsewhere (cancelled, failed by a sweep)
              return
            }
            if (index === steps.length - 1) {
              await transition(id, ending('done', null, 'Published'))
              runningHere.delete(id)
            } else run(id, steps, index + 1, startedAt, failAt)
          } catch (error) {
            // Redis is away: try this step again; if it stays away, the lease runs out and
            // another instance ends the job as failed, which is the truth.
            log(`job ${id}: ${(error as Error).message}; retrying the step`)
            attempt(1000)
          }
        })()
      }, delay)
      timer.unref?.()
      runningHere.set(id, () => clearTimeout(timer))
    }
    attempt(Math.max(0, startedAt + step.atMs - now()))
  }

  // ---------------------------------------------------------------- lease and sweep

  const renewLease = () =>
    redis.command.set(keys.lease(me), '1', 'PX', leaseMs).catch((error: Error) => {
      log(`jobs: cannot renew this instance's lease: ${error.message}`)
    })
  const leaseTimer = setInterval(() => void renewLease(), Math.max(100, leaseMs / 3))
  leaseTimer.unref?.()

  const sweep = async () => {
    const ids = (await redis.command.smembers(keys.running)).filter((id) => !runningHere.has(id))
    for (const id of ids) {
      const runner = await redis.command.hget(keys.job(id), 'runner')
      if (runner === null) {
        await redis.command.srem(keys.running, id) // the job itself expired
        continue
      }
      // Ours but not running here would be a job whose timers were lost: just as dead.
      if (runner !== me && (await redis.command.exists(keys.lease(runner))) === 1) continue
      const outcome = await transition(
        id,
        (job) =>
          ending(
            'failed',
            `The server running this job stopped before it finished (no heartbeat for ${leaseMs / 1000} s); it had reached ${job.percent}%.`,
            'Interrupted',
          )(job),
        runner === me ? undefined : { runner },
      )
      if (outcome.kind === 'changed') log(`jobs: ${id} failed: its runner ${runner} is gone`)
    }
  }
  let sweepTimer: ReturnType<typeof setTimeout> | undefined
  const scheduleSweep = () => {
    if (stopped) return
    // Jitter, so the instances of a cluster do not all sweep in the same millisecond.
    sweepTimer = setTimeout(
      () => {
        sweep()
          .catch((error: Error) => log(`jobs: sweep failed: ${error.message}`))
          .finally(scheduleSweep)
      },
      sweepMs * (0.75 + random() * 0.5),
    )
    sweepTimer.unref?.()
  }

  const listening = redis.subscribe(keys.events, (raw) => {
    const { jobId, event } = JSON.parse(raw) as { jobId: string; event: JobEvent }
    deliver(jobId, event)
  })
  // Events published while the subscriber was reconnecting are lost; the latest state is not.
  const stopResync = redis.onResubscribed(() => {
    for (const id of watchers.keys()) {
      void read(id)
        .then((current) => current && deliver(id, current.last))
        .catch(() => {})
    }
  })

  const ready = (async () => {
    await renewLease()
    await listening
    scheduleSweep()
  })()

  return {
    ready,

    async create(input) {
      await ready
      const t = now()
      const { job, first } = newJob(input, t, options.defaultDurationMs)
      const { id, durationMs } = job
      runningHere.set(id, () => {})
      await redis.command
        .multi()
        .hset(keys.job(id), {
          seq: '1',
          job: JSON.stringify(job),
          last: JSON.stringify(first),
          runner: me,
        })
        .sadd(keys.running, id)
        .zadd(keys.index, t, id)
        .zremrangebyrank(keys.index, 0, -(retain + 1))
        .exec()
      run(id, planSteps(durationMs, random), 0, t, input.simulateFailure ? 'publishing' : undefined)
      return job
    },

    get: async (id) => (await read(id))?.job,

    async list() {
      const ids = await redis.command.zrevrange(keys.index, 0, retain - 1)
      if (ids.length === 0) return []
      const pipeline = redis.command.pipeline()
      for (const id of ids) pipeline.hget(keys.job(id), 'job')
      const rows = (await pipeline.exec()) ?? []
      return rows.flatMap(([, json]) => (typeof json === 'string' ? [JSON.parse(json) as Job] : []))
    },

    async cancel(id) {
      const outcome = await transition(
        id,
        ending('cancelled', 'Cancelled by the user.', 'Cancelled'),
      )
      if (outcome.kind === 'missing') return undefined
      return outcome.job
    },

    lastEvent: async (id) => (await read(id))?.last,

    subscribe(id, listener) {
      let set = watchers.get(id)
      if (!set) watchers.set(id, (set = new Set()))
      const watcher: Watcher = { listener, seen: 0 }
      set.add(watcher)
      return () => {
        const current = watchers.get(id)
        current?.delete(watcher)
        if (current?.size === 0) watchers.delete(id)
      }
    },

    async stop(reason) {
      if (stopped) return
      stopped = true
      clearTimeout(sweepTimer)
      clearInterval(leaseTimer)
      stopResync()
      const mine = [...runningHere.keys()]
      for (const stopTimer of runningHere.values()) stopTimer()
      runningHere.clear()
      // Ended now, with the reason, rather than left for a sweep to find in a few seconds.
      await Promise.allSettled(
        mine.map((id) => transition(id, ending('failed', reason, 'Interrupted'))),
      )
      await redis.command.del(keys.lease(me)).catch(() => {})
      watchers.clear()
    },
  }
}
