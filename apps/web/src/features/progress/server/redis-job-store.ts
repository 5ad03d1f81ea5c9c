import type { Job } from '@duplex/protocol/jobs'
import type { RedisClients } from '@/shared/server/cluster/redis'
import { ending, isTerminal, type JobChange, type JobEvent } from './job-model.ts'
import type { JobOutcome, JobStore, JobStoreHooks } from './job-store.ts'

export interface RedisJobStoreOptions {
  redis: RedisClients
  /** Jitter of the sweeps (seed it in tests). */
  random?: () => number
  now?: () => number
  /**
   * How long a runner's heartbeat lives. A job whose runner has not renewed it for this long is
   * failed by whichever instance notices first.
   */
  leaseMs?: number
  /** How often each instance looks for such jobs. */
  sweepMs?: number
  /** Jobs each user's list keeps (newest first). */
  retain?: number
  /** How long an ended job stays readable. */
  endedTtlSeconds?: number
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
  redis.call('SREM', KEYS[4], ARGV[6])
  redis.call('EXPIRE', KEYS[1], ARGV[9])
end
redis.call('PUBLISH', ARGV[7], ARGV[8])
return 1`

/**
 * Inserts a job unless its owner (KEYS[3]) or the cluster (KEYS[2]) already runs as many as
 * allowed: the count and the insert are one step, so instances cannot overshoot together.
 * Returns 1 inserted, -1 refused for the user, -2 refused for the total.
 */
const INSERT = `
if redis.call('SCARD', KEYS[3]) >= tonumber(ARGV[5]) then return -1 end
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[6]) then return -2 end
redis.call('HSET', KEYS[1], 'seq', '1', 'job', ARGV[2], 'last', ARGV[3], 'runner', ARGV[4], 'owner', ARGV[8])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[7], ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -(tonumber(ARGV[9]) + 1))
return 1`

/**
 * Jobs of a cluster. A job runs on the instance that created it (timers there), but its state and
 * last event live in Redis and every event is published, so it can be read, followed and
 * cancelled from any instance. Each instance renews a lease; when one dies, another sees the
 * lease gone and ends its jobs as `failed` with the reason, at the percent they really reached.
 */
export function createRedisJobStore(options: RedisJobStoreOptions): JobStore {
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
    index: (owner: string) => redis.key('jobs', 'index', owner),
    running: redis.key('jobs', 'running'),
    runningOf: (owner: string) => redis.key('jobs', 'running', 'user', owner),
    lease: (instance: string) => redis.key('jobs', 'lease', instance),
    events: redis.key('jobs', 'events'),
  }
  let hooks: JobStoreHooks | undefined
  let stopped = false
  let leaseTimer: ReturnType<typeof setInterval> | undefined
  let sweepTimer: ReturnType<typeof setTimeout> | undefined
  let stopResync = () => {}

  const read = async (id: string) => {
    const [seq, job, last, runner, owner] = await redis.command.hmget(
      keys.job(id),
      'seq',
      'job',
      'last',
      'runner',
      'owner',
    )
    if (!seq || !job || !last) return undefined
    return {
      seq,
      job: JSON.parse(job) as Job,
      last: JSON.parse(last) as JobEvent,
      runner: runner ?? '',
      owner: owner ?? '',
    }
  }

  const transition = async (
    id: string,
    compute: (job: Job) => JobChange,
    sweep?: { runner: string },
  ): Promise<JobOutcome> => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await read(id)
      if (!current) return { kind: 'missing' }
      const change = compute(current.job)
      if (!change) return { kind: 'unchanged', job: current.job }
      const event = { ...change.event, seq: current.last.seq + 1 } as JobEvent
      const result = await redis.command.eval(
        TRANSITION,
        4,
        keys.job(id),
        keys.running,
        keys.lease(sweep?.runner ?? current.runner),
        keys.runningOf(current.owner),
        current.seq,
        String(event.seq),
        JSON.stringify(change.job),
        JSON.stringify(event),
        isTerminal(event) ? '1' : '0',
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

  const jobsOf = async (ids: string[]): Promise<Job[]> => {
    if (ids.length === 0) return []
    const pipeline = redis.command.pipeline()
    for (const id of ids) pipeline.hget(keys.job(id), 'job')
    const rows = (await pipeline.exec()) ?? []
    return rows.flatMap(([, json]) => (typeof json === 'string' ? [JSON.parse(json) as Job] : []))
  }

  // ---------------------------------------------------------------- lease and sweep

  const renewLease = () =>
    redis.command.set(keys.lease(me), '1', 'PX', leaseMs).catch((error: Error) => {
      log(`jobs: cannot renew this instance's lease: ${error.message}`)
    })

  const sweep = async () => {
    const ids = (await redis.command.smembers(keys.running)).filter((id) => !hooks?.runsHere(id))
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
            now,
          )(job),
        runner === me ? undefined : { runner },
      )
      if (outcome.kind === 'changed') log(`jobs: ${id} failed: its runner ${runner} is gone`)
    }
  }
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

  return {
    shared: true,

    async open(next) {
      hooks = next
      leaseTimer = setInterval(() => void renewLease(), Math.max(100, leaseMs / 3))
      leaseTimer.unref?.()
      const listening = redis.subscribe(keys.events, (raw) => {
        const { jobId, event } = JSON.parse(raw) as { jobId: string; event: JobEvent }
        hooks?.onEvent(jobId, event)
      })
      // Events published while the subscriber was reconnecting are lost; the latest state is not.
      stopResync = redis.onResubscribed(() => {
        for (const id of hooks?.watched() ?? []) {
          void read(id)
            .then((current) => current && hooks?.onEvent(id, current.last))
            .catch(() => {})
        }
      })
      await renewLease()
      await listening
      scheduleSweep()
    },

    async insert(job, first, owner, limits) {
      const result = await redis.command.eval(
        INSERT,
        4,
        keys.job(job.id),
        keys.running,
        keys.runningOf(owner),
        keys.index(owner),
        job.id,
        JSON.stringify(job),
        JSON.stringify(first),
        me,
        String(limits.perUser),
        String(limits.total),
        String(job.createdAt),
        owner,
        String(retain),
      )
      if (result === -1) return { kind: 'refused', scope: 'user' }
      if (result === -2) return { kind: 'refused', scope: 'total' }
      return { kind: 'inserted' }
    },

    read: async (id) => {
      const current = await read(id)
      return current && { job: current.job, last: current.last, owner: current.owner }
    },

    async list(owner) {
      return jobsOf(await redis.command.zrevrange(keys.index(owner), 0, retain - 1))
    },

    async running(owner) {
      return (await jobsOf(await redis.command.smembers(keys.runningOf(owner)))).filter(
        (job) => job.status === 'running',
      )
    },

    transition: (id, compute) => transition(id, compute),

    async stop(finish) {
      if (stopped) return
      stopped = true
      clearTimeout(sweepTimer)
      clearInterval(leaseTimer)
      stopResync()
      await finish()
      await redis.command.del(keys.lease(me)).catch(() => {})
    },
  }
}
