import type { Job, JobStatus } from '@duplex/protocol/jobs'
import { sql, type Kysely, type Selectable } from 'kysely'
import type { RedisClients } from '@/shared/server/cluster/redis'
import type { WebDatabase } from '@/shared/server/cluster/database'
import { ending, eventOf, type JobChange, type JobEvent } from './job-model.ts'
import type { JobOutcome, JobStore, JobStoreHooks, StoredJob } from './job-store.ts'

export interface ClusterJobStoreOptions {
  /** Where jobs live: what a user started survives a restart of Redis. */
  database: WebDatabase
  /** How events reach the other instances: pub/sub only, nothing that must be kept. */
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
  /**
   * How often the jobs followed here are read again, so an event lost on the way (Redis
   * restarting, or this instance or the runner cut off from it) is made up for within this time.
   */
  resyncMs?: number
  /** Ended jobs each user keeps (newest first); older ones are deleted when they start another. */
  retain?: number
  /** How long an ended job stays readable. */
  endedTtlMs?: number
  log?: (message: string) => void
}

interface JobsTable {
  id: string
  ownerId: string
  runner: string
  seq: number
  name: string
  status: JobStatus
  percent: number
  stage: string
  message: string
  reason: string | null
  durationMs: number
  createdAt: number
  updatedAt: number
  endedAt: number | null
}

interface JobRunnersTable {
  instanceId: string
  expiresAt: Date
}

type Tables = { jobs: JobsTable; jobRunners: JobRunnersTable }
type JobRow = Selectable<JobsTable>

/** What travels on the events channel: one event of one job, and who made it. */
interface Published {
  from: string
  jobId: string
  event: JobEvent
}

const jobOf = (row: JobRow): Job => ({
  id: row.id,
  name: row.name,
  status: row.status,
  percent: row.percent,
  stage: row.stage,
  message: row.message,
  durationMs: row.durationMs,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  endedAt: row.endedAt,
  reason: row.reason,
})

const columnsOf = (job: Job) => ({
  name: job.name,
  status: job.status,
  percent: job.percent,
  stage: job.stage,
  message: job.message,
  reason: job.reason,
  durationMs: job.durationMs,
  updatedAt: job.updatedAt,
  endedAt: job.endedAt,
})

/** Whether the job's runner has renewed its heartbeat lately, by PostgreSQL's clock. */
const runnerAlive = sql<boolean>`exists (select 1 from job_runners r where r.instance_id = jobs.runner and r.expires_at > now())`

/**
 * Jobs of a cluster. A job runs on the instance that created it (its timers are there), and its
 * state lives in PostgreSQL: a Redis restart loses nothing a user started. Every change is a
 * compare-and-set on the job's `seq` in one UPDATE, so a cancel from anywhere, a sweep and a step
 * never both win, and each job gets exactly one terminal event.
 *
 * Events reach followers on this instance at once, and the other instances over one Redis pub/sub
 * channel. That channel may lose messages (Redis restarting, an instance cut off from it), which
 * is safe: the jobs followed here are read again when the subscription comes back and every
 * `resyncMs`, and listeners keep only events newer than the last they had.
 *
 * Each instance renews a heartbeat row in `job_runners`; when one dies, another sees it expire and
 * ends its jobs as `failed` with the reason, at the percent they really reached. Liveness is
 * PostgreSQL's, not Redis's, so a Redis restart (which would forget every lease at once) fails
 * nothing, and the sweep's "is the runner still gone?" is part of the same UPDATE as its write.
 */
export function createClusterJobStore(options: ClusterJobStoreOptions): JobStore {
  const { redis } = options
  const db: Kysely<Tables> = options.database.db.withTables<Tables>()
  const me = redis.instanceId
  const random = options.random ?? Math.random
  const now = options.now ?? Date.now
  const leaseMs = options.leaseMs ?? 5000
  const sweepMs = options.sweepMs ?? 1000
  const resyncMs = options.resyncMs ?? 5000
  const retain = options.retain ?? 200
  const endedTtlMs = options.endedTtlMs ?? 86_400_000
  const log = options.log ?? ((message: string) => console.warn(`[web] ${message}`))
  const channel = redis.key('jobs', 'events')
  let hooks: JobStoreHooks | undefined
  let stopped = false
  const timers = new Map<string, ReturnType<typeof setTimeout>>()
  let unsubscribe: () => Promise<void> = async () => {}
  let stopResync = () => {}

  // ---------------------------------------------------------------- reads and writes

  const readRow = (id: string) =>
    db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst()

  const stored = (row: JobRow): StoredJob => {
    const job = jobOf(row)
    return { job, last: eventOf(job, row.seq), owner: row.ownerId }
  }

  let publishFailing = false
  /** Here at once; elsewhere through Redis, when it is there (the resyncs cover when it is not). */
  const announce = (jobId: string, event: JobEvent) => {
    hooks?.onEvent(jobId, event)
    const message: Published = { from: me, jobId, event }
    redis.command.publish(channel, JSON.stringify(message)).then(
      () => {
        if (publishFailing) log('jobs: publishing events through Redis again')
        publishFailing = false
      },
      (error: Error) => {
        if (!publishFailing) {
          log(
            `jobs: cannot publish events through Redis (${error.message}); other instances will read them from the database`,
          )
        }
        publishFailing = true
      },
    )
  }

  const transition = async (
    id: string,
    compute: (job: Job) => JobChange,
    sweep?: { runner: string },
  ): Promise<JobOutcome> => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const row = await readRow(id)
      if (!row) return { kind: 'missing' }
      const current = stored(row)
      const next = compute(current.job)
      if (!next) {
        // It changed elsewhere, maybe while the news of it was lost on the way: pass it on.
        hooks?.onEvent(id, current.last)
        return { kind: 'unchanged', job: current.job }
      }
      const seq = row.seq + 1
      const result = await db
        .updateTable('jobs')
        .set({ ...columnsOf(next), seq })
        .where('id', '=', id)
        .where('seq', '=', row.seq)
        // A sweep applies only while the runner is still silent: one that came back keeps its job.
        .$if(sweep !== undefined && sweep.runner !== me, (qb) =>
          qb.where('runner', '=', sweep?.runner ?? '').where(sql<boolean>`not ${runnerAlive}`),
        )
        .executeTakeFirst()
      if (result.numUpdatedRows === 1n) {
        const event = eventOf(next, seq)
        announce(id, event)
        return { kind: 'changed', job: next, event }
      }
      // Zero rows: someone changed the job meanwhile (read it again), or a swept runner is back.
      if (sweep) return { kind: 'unchanged', job: current.job }
    }
    throw new Error(`job ${id} kept changing under a transition`)
  }

  // ---------------------------------------------------------------- heartbeat and sweep

  /** Since when this instance's heartbeats have succeeded without a break; undefined: failing. */
  let healthySince: number | undefined
  const beat = async () => {
    try {
      await db
        .insertInto('jobRunners')
        .values({
          instanceId: me,
          expiresAt: sql<Date>`now() + make_interval(secs => ${leaseMs / 1000})`,
        })
        .onConflict((oc) =>
          oc.column('instanceId').doUpdateSet({ expiresAt: (eb) => eb.ref('excluded.expiresAt') }),
        )
        .execute()
      if (healthySince === undefined) {
        healthySince = Date.now()
        if (beatFailing) log('jobs: heartbeat saved again')
      }
      beatFailing = false
    } catch (error) {
      if (!beatFailing)
        log(`jobs: cannot save this instance's heartbeat: ${(error as Error).message}`)
      beatFailing = true
      healthySince = undefined
    }
  }
  let beatFailing = false

  let sweeps = 0
  const sweep = async () => {
    // After an outage of the database every runner's heartbeat looks expired, though they are
    // renewing them as it comes back: wait one lease of heartbeats that worked before judging.
    if (healthySince === undefined || Date.now() - healthySince < leaseMs) return
    const suspects = await db
      .selectFrom('jobs')
      .select(['id', 'runner'])
      .where('status', '=', 'running')
      .where((eb) => eb.or([eb('runner', '=', me), sql<boolean>`not ${runnerAlive}`]))
      .execute()
    for (const { id, runner } of suspects) {
      // Ours but not running here would be a job whose timers were lost: just as dead.
      if (runner === me && hooks?.runsHere(id)) continue
      const outcome = await transition(
        id,
        ending(
          'failed',
          (job) =>
            `The server running this job stopped before it finished (no heartbeat for ${leaseMs / 1000} s); it had reached ${job.percent}%.`,
          'Interrupted',
          now,
        ),
        { runner },
      )
      if (outcome.kind === 'changed') log(`jobs: ${id} failed: its runner ${runner} is gone`)
    }
    // Now and then: ended jobs past their time, and heartbeats of instances long gone.
    if (sweeps++ % 60 === 0) {
      await db
        .deleteFrom('jobs')
        .where('endedAt', '<', now() - endedTtlMs)
        .execute()
      await db
        .deleteFrom('jobRunners')
        .where('expiresAt', '<', sql<Date>`now() - interval '1 hour'`)
        .execute()
    }
  }

  /** The jobs followed here, read again: whatever their followers missed, they get now. */
  const resync = async () => {
    const ids = [...(hooks?.watched() ?? [])]
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await db
        .selectFrom('jobs')
        .selectAll()
        .where('id', 'in', ids.slice(i, i + 500))
        .execute()
      for (const row of rows) hooks?.onEvent(row.id, stored(row).last)
    }
  }

  /** Runs `work` every `ms` (jittered, so instances spread out) until the store stops. */
  const every = (ms: number, what: string, work: () => Promise<void>) => {
    const schedule = () => {
      if (stopped) return
      const timer = setTimeout(
        () => {
          work()
            .catch((error: Error) => log(`jobs: ${what} failed: ${error.message}`))
            .finally(schedule)
        },
        ms * (0.75 + random() * 0.5),
      )
      timer.unref?.()
      timers.set(what, timer)
    }
    schedule()
  }

  return {
    shared: true,

    async open(next) {
      hooks = next
      const subscribed = redis.subscribe(channel, (raw) => {
        const { from, jobId, event } = JSON.parse(raw) as Published
        if (from !== me) hooks?.onEvent(jobId, event)
      })
      stopResync = redis.onResubscribed(() => {
        resync().catch((error: Error) => log(`jobs: resync failed: ${error.message}`))
      })
      await beat()
      if (healthySince === undefined) {
        throw new Error('jobs: cannot write to the database (job_runners); see the line above')
      }
      unsubscribe = await subscribed
      every(leaseMs / 3, 'heartbeat', beat)
      every(sweepMs, 'sweep', sweep)
      every(resyncMs, 'resync', resync)
    },

    async insert(job, owner, limits) {
      return db.transaction().execute(async (trx) => {
        // Inserts take turns (one lock for the schema), so the counts below are the ones the
        // insert adds to and concurrent creations on any instance cannot overshoot the bounds.
        await sql`select pg_advisory_xact_lock(hashtext('duplex:jobs:' || current_schema()))`.execute(
          trx,
        )
        const counts = await trx
          .selectFrom('jobs')
          .where('status', '=', 'running')
          .select([
            sql<number>`count(*) filter (where owner_id = ${owner})`.as('mine'),
            sql<number>`count(*)`.as('total'),
          ])
          .executeTakeFirstOrThrow()
        if (counts.mine >= limits.perUser) return { kind: 'refused', scope: 'user' } as const
        if (counts.total >= limits.total) return { kind: 'refused', scope: 'total' } as const
        await trx
          .insertInto('jobs')
          .values({
            ...columnsOf(job),
            id: job.id,
            ownerId: owner,
            runner: me,
            seq: 1,
            createdAt: job.createdAt,
          })
          .execute()
        // The owner's list keeps `retain` ended jobs; older ones go as new ones come.
        await trx
          .deleteFrom('jobs')
          .where('id', 'in', (eb) =>
            eb
              .selectFrom('jobs')
              .select('id')
              .where('ownerId', '=', owner)
              .where('status', '<>', 'running')
              .orderBy('createdAt', 'desc')
              .offset(retain),
          )
          .execute()
        return { kind: 'inserted' } as const
      })
    },

    read: async (id) => {
      const row = await readRow(id)
      return row && stored(row)
    },

    async list(owner) {
      const rows = await db
        .selectFrom('jobs')
        .selectAll()
        .where('ownerId', '=', owner)
        .orderBy('createdAt', 'desc')
        .limit(retain)
        .execute()
      return rows.map(jobOf)
    },

    async running(owner) {
      const rows = await db
        .selectFrom('jobs')
        .selectAll()
        .where('ownerId', '=', owner)
        .where('status', '=', 'running')
        .execute()
      return rows.map(jobOf)
    },

    transition: (id, compute) => transition(id, compute),

    async stop(finish) {
      if (stopped) return
      stopped = true
      for (const timer of timers.values()) clearTimeout(timer)
      stopResync()
      await finish()
      // Gone now rather than in a lease: whatever `finish` could not end is swept at once.
      await db
        .deleteFrom('jobRunners')
        .where('instanceId', '=', me)
        .execute()
        .catch(() => {})
      await unsubscribe().catch(() => {})
    },
  }
}
