import { isStoreUnavailable } from '@duplex/cluster'
import {
  startPrivatePostgres,
  startPrivateRedis,
  whyNoPrivateServices,
  type PrivatePostgres,
  type PrivateRedis,
} from '@duplex/testing/private-services'
import { testServices } from '@duplex/testing/services'
import { waitFor } from '@duplex/testing/wait'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { WebDatabase } from '@/shared/server/cluster/database'
import type { RedisClients } from '@/shared/server/cluster/redis'
import { createTestDatabase, type TestDatabase } from '@/shared/server/cluster/test-database'
import { createTestCluster, type TestCluster } from '@/shared/server/cluster/test-redis'
import { createRandom } from '@/shared/lib/random'
import { createClusterJobStore } from './cluster-job-store.ts'
import type { JobEvent } from './job-model.ts'
import { createJobService, type JobService, type JobServiceOptions } from './job-service.ts'
import { progressMigrations } from './migrations.ts'

const OWNER = 'user-ada'
const PROGRESS = [{ name: 'progress', migrations: progressMigrations }]

// Against the real PostgreSQL and Redis (the machine's shared ones, a fresh schema and key prefix
// per test), and, for the outages, private ones the tests stop and start. Each "instance" has its
// own pool, connections and instance id, as separate processes would.

const LEASE_MS = 400

let unavailable: string | undefined
beforeAll(async () => {
  unavailable = (await testServices()).reason
})

let cluster: TestCluster | undefined
let database: TestDatabase | undefined
const services: { stop(reason: string): Promise<void> }[] = []

afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop('test over')))
  await cluster?.cleanup()
  await database?.cleanup()
  cluster = undefined
  database = undefined
})

interface Instance {
  jobs: JobService
  redis: RedisClients
  db: WebDatabase
}

async function instance(
  name: string,
  seed = 1,
  options: Partial<JobServiceOptions> = {},
): Promise<Instance> {
  if (!cluster || !database) throw new Error('start the cluster and database first')
  const redis = cluster.instance(name)
  const db = await database.instance()
  const random = createRandom(seed)
  const log = () => {}
  const jobs = createJobService({
    store: createClusterJobStore({
      database: db,
      redis,
      random,
      leaseMs: LEASE_MS,
      sweepMs: 100,
      resyncMs: 300,
      log,
    }),
    random,
    log,
    ...options,
  })
  services.push(jobs)
  return { jobs, redis, db }
}

/** Two instances on the shared services (or on `redisUrl` / `databaseUrl`). */
async function twoInstances(
  urls: { redisUrl?: string; databaseUrl?: string } = {},
  options: Partial<JobServiceOptions> = {},
) {
  cluster = createTestCluster(urls.redisUrl)
  database = createTestDatabase(PROGRESS, urls.databaseUrl)
  const a = await instance('a', 1, options)
  const b = await instance('b', 2, options)
  await Promise.all([a.jobs.ready, b.jobs.ready])
  return { a, b }
}

function follow(jobs: JobService, id: string) {
  const events: JobEvent[] = []
  const unsubscribe = jobs.subscribe(id, (e) => events.push(e))
  return { events, unsubscribe, ended: () => events.some((e) => e.event !== 'progress') }
}

const percentsOf = (events: JobEvent[]) =>
  events.flatMap((e) => (e.event === 'progress' ? [e.data.percent] : []))

function expectOrderedWithOneEnd(events: JobEvent[]) {
  const seqs = events.map((e) => e.seq)
  seqs.forEach((s, i) => i > 0 && expect(s).toBeGreaterThan(seqs[i - 1] ?? 0))
  const percents = percentsOf(events)
  percents.forEach((p, i) => i > 0 && expect(p).toBeGreaterThanOrEqual(percents[i - 1] ?? 0))
  expect(events.filter((e) => e.event !== 'progress')).toHaveLength(1)
}

describe('job service over the cluster store (PostgreSQL + Redis)', () => {
  it('streams a job started on one instance from another, each event once and in order', async (context) => {
    if (unavailable) return context.skip()
    const { a, b } = await twoInstances()

    const job = await a.jobs.create(OWNER, { durationMs: 800 })
    const seen = follow(b.jobs, job.id)
    await waitFor(() => seen.ended(), 'done on b')
    const seqs = seen.events.map((e) => e.seq)
    seqs.forEach((s, i) => i > 0 && expect(s).toBe((seqs[i - 1] ?? 0) + 1))
    expectOrderedWithOneEnd(seen.events)

    const onB = await b.jobs.get(job.id, OWNER)
    expect(onB).toMatchObject({ id: job.id, status: 'done', percent: 100, reason: null })
    expect((await b.jobs.lastEvent(job.id, OWNER))?.event).toBe('done')
    expect((await b.jobs.list(OWNER)).map((j) => j.id)).toContain(job.id)
    seen.unsubscribe()
  })

  it('cancels from any instance: the runner stops and nothing follows the cancelled event', async (context) => {
    if (unavailable) return context.skip()
    const { a, b } = await twoInstances()

    const job = await a.jobs.create(OWNER, { durationMs: 5000 })
    const seen = follow(a.jobs, job.id)
    await waitFor(() => seen.events.length >= 2, 'some progress')
    const cancelled = await b.jobs.cancel(job.id, OWNER)
    expect(cancelled).toMatchObject({ status: 'cancelled', reason: 'Cancelled by the user.' })
    await waitFor(() => seen.events.at(-1)?.event === 'cancelled', 'cancelled on a')
    const count = seen.events.length
    await new Promise((r) => setTimeout(r, 600))
    expect(seen.events).toHaveLength(count)
    expect((await a.jobs.get(job.id, OWNER))?.status).toBe('cancelled')
    // Cancelling an ended job returns it unchanged; an unknown one is undefined.
    expect((await a.jobs.cancel(job.id, OWNER))?.status).toBe('cancelled')
    expect(await a.jobs.cancel('job_nope', OWNER)).toBeUndefined()
    seen.unsubscribe()
  })

  it('fails a job whose runner died, at the percent it reached, with the reason', async (context) => {
    if (unavailable) return context.skip()
    const { a, b } = await twoInstances()

    const job = await a.jobs.create(OWNER, { durationMs: 20_000 })
    const seen = follow(b.jobs, job.id)
    await waitFor(() => seen.events.length >= 3, 'some progress')
    // A crash: its connections go, its heartbeat is no longer renewed and its steps save nothing.
    await a.db.close()
    a.redis.command.disconnect()

    await waitFor(() => seen.events.at(-1)?.event === 'failed', {
      message: 'failed on b',
      timeoutMs: LEASE_MS * 10,
    })
    const reached = percentsOf(seen.events).at(-1)
    const failed = await b.jobs.get(job.id, OWNER)
    expect(failed?.status).toBe('failed')
    expect(failed?.percent).toBe(reached)
    expect(failed?.reason).toMatch(/stopped before it finished/)
    expect(failed?.reason).toContain(`${reached}%`)
    expect(seen.events.filter((e) => e.event !== 'progress')).toHaveLength(1)
  })

  it('ends the jobs of an instance that stops gracefully, with the reason it was given', async (context) => {
    if (unavailable) return context.skip()
    const { a, b } = await twoInstances()
    const job = await a.jobs.create(OWNER, { durationMs: 20_000 })
    const seen = follow(b.jobs, job.id)
    await a.jobs.stop('shutting down for a deploy')
    await waitFor(() => seen.events.at(-1)?.event === 'failed', 'failed on b')
    expect(await b.jobs.get(job.id, OWNER)).toMatchObject({
      status: 'failed',
      reason: 'shutting down for a deploy',
    })
  })

  it('fails the simulated failure in its publishing stage, as one process does', async (context) => {
    if (unavailable) return context.skip()
    const { a } = await twoInstances()
    const job = await a.jobs.create(OWNER, { durationMs: 600, simulateFailure: true })
    const seen = follow(a.jobs, job.id)
    await waitFor(() => seen.events.at(-1)?.event === 'failed', 'failed')
    const ended = await a.jobs.get(job.id, OWNER)
    expect(ended?.status).toBe('failed')
    expect(ended?.percent).toBeLessThan(100)
    expect(ended?.reason).toMatch(/simulated failure/)
  })

  it('keeps jobs their owner’s across instances, and bounds running jobs for the whole cluster', async (context) => {
    if (unavailable) return context.skip()
    const { a, b } = await twoInstances({}, { limits: { perUser: 2, total: 3 } })

    const first = await a.jobs.create(OWNER, { durationMs: 20_000 })
    await b.jobs.create(OWNER, { durationMs: 20_000 })
    // The per-user bound counts the jobs on every instance, concurrent creations included.
    const attempts = await Promise.allSettled([
      a.jobs.create(OWNER, { durationMs: 500 }),
      b.jobs.create(OWNER, { durationMs: 500 }),
    ])
    expect(attempts.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    expect(attempts[0]).toMatchObject({ reason: { scope: 'user' } })

    // Another user: nothing of Ada's is visible or cancellable from any instance.
    expect(await b.jobs.list('user-mallory')).toEqual([])
    expect(await b.jobs.get(first.id, 'user-mallory')).toBeUndefined()
    expect(await b.jobs.cancel(first.id, 'user-mallory')).toBeUndefined()
    expect((await a.jobs.get(first.id, OWNER))?.status).toBe('running')

    // The total: concurrent creations of two users fill the cluster's last place once.
    const racing = await Promise.allSettled([
      b.jobs.create('user-bob', { durationMs: 20_000 }),
      a.jobs.create('user-carol', { durationMs: 20_000 }),
    ])
    expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(racing.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { scope: 'total' },
    })
    // A cancel frees a place, wherever it is done.
    await b.jobs.cancel(first.id, OWNER)
    expect(await a.jobs.create('user-dan', { durationMs: 500 })).toMatchObject({
      status: 'running',
    })
    expect((await a.jobs.list(OWNER)).map((j) => j.status).sort()).toEqual(['cancelled', 'running'])
  })
})

// Stores are stopped and started for real: these take seconds each.
describe('jobs across store outages', async () => {
  const noPrivate = await whyNoPrivateServices()
  let redis: PrivateRedis | undefined
  let postgres: PrivatePostgres | undefined
  afterAll(async () => {
    await redis?.dispose()
    await postgres?.dispose()
  })

  it(
    'keeps a job through a Redis restart: readable throughout, ended once, the same on both instances',
    { timeout: 60_000 },
    async (context) => {
      if (unavailable || noPrivate) return context.skip()
      redis ??= await startPrivateRedis()
      const { a, b } = await twoInstances({ redisUrl: redis.url })

      const job = await a.jobs.create(OWNER, { durationMs: 5000 })
      const onA = follow(a.jobs, job.id)
      const onB = follow(b.jobs, job.id)
      await waitFor(() => onB.events.length >= 2, 'progress on b before the restart')

      await redis.stop()
      // Redis is gone: the runner goes on, its own followers see it, and the job is still there.
      const during = onA.events.length
      await waitFor(() => onA.events.length > during + 1, 'progress on a while Redis is down')
      expect((await b.jobs.get(job.id, OWNER))?.status).toBe('running')
      await redis.start() // empty: nothing was saved

      await waitFor(() => onA.ended() && onB.ended(), {
        message: 'the end on both',
        timeoutMs: 15_000,
      })
      for (const seen of [onA, onB]) {
        expectOrderedWithOneEnd(seen.events)
        expect(seen.events.at(-1)).toMatchObject({ event: 'done', data: { job: { percent: 100 } } })
      }
      // The stream and the list agree, on both instances.
      const [listA, listB] = await Promise.all([a.jobs.list(OWNER), b.jobs.list(OWNER)])
      expect(listA).toEqual(listB)
      expect(listA.find((j) => j.id === job.id)).toEqual(
        (onB.events.at(-1) as Extract<JobEvent, { event: 'done' }>).data.job,
      )
    },
  )

  it(
    'fails a job whose runner died while Redis was down, with the reason and the percent it reached',
    { timeout: 60_000 },
    async (context) => {
      if (unavailable || noPrivate) return context.skip()
      redis ??= await startPrivateRedis()
      const { a, b } = await twoInstances({ redisUrl: redis.url })

      const job = await a.jobs.create(OWNER, { durationMs: 20_000 })
      const onA = follow(a.jobs, job.id)
      const onB = follow(b.jobs, job.id)
      await waitFor(() => onA.events.length >= 3, 'some progress')
      await redis.stop()
      await waitFor(() => onA.events.length >= 5, 'more progress while Redis is down')
      // The runner dies during the outage.
      await a.db.close()
      await new Promise((r) => setTimeout(r, 100)) // its last saved step reaches its followers
      const reached = percentsOf(onA.events).at(-1)
      await redis.start()

      await waitFor(() => onB.ended(), { message: 'failed on b', timeoutMs: 15_000 })
      expect(onB.events.at(-1)?.event).toBe('failed')
      const failed = await b.jobs.get(job.id, OWNER)
      expect(failed).toMatchObject({ status: 'failed', percent: reached })
      expect(failed?.reason).toMatch(/stopped before it finished/)
      expect(failed?.reason).toContain(`${reached}%`)
      expect((await b.jobs.list(OWNER)).map((j) => j.status)).toEqual(['failed'])
    },
  )

  it(
    'waits out a short PostgreSQL outage, and ends as failed a job that could not save for too long',
    { timeout: 60_000 },
    async (context) => {
      if (unavailable || noPrivate) return context.skip()
      postgres ??= await startPrivatePostgres(`duplex_web_jobs_${process.pid}`)
      const { a } = await twoInstances(
        { databaseUrl: postgres.url },
        { retryMs: 200, giveUpAfterMs: 6000 },
      )

      // A short outage delays the steps; the job then goes on to its end.
      const short = await a.jobs.create(OWNER, { durationMs: 3000 })
      const onShort = follow(a.jobs, short.id)
      await waitFor(() => onShort.events.length >= 2, 'some progress')
      await postgres.stop()
      // Meanwhile every read says the database is away (the routes answer 503 unavailable).
      const refused = await a.jobs.get(short.id, OWNER).catch((error: unknown) => error)
      expect(isStoreUnavailable(refused), String(refused)).toBe(true)
      await postgres.start()
      await waitFor(() => onShort.ended(), { message: 'the short one ends', timeoutMs: 15_000 })
      expect(onShort.events.at(-1), 'the short outage ended nothing').toMatchObject({
        event: 'done',
      })
      expectOrderedWithOneEnd(onShort.events)

      // A longer one than `giveUpAfterMs`: the job ends, saying why, as soon as it can be saved.
      const long = await a.jobs.create(OWNER, { durationMs: 30_000 })
      const onLong = follow(a.jobs, long.id)
      await waitFor(() => onLong.events.length >= 2, 'some progress')
      await postgres.stop()
      await new Promise((r) => setTimeout(r, 7000))
      const reached = percentsOf(onLong.events).at(-1)
      await postgres.start()
      await waitFor(() => onLong.ended(), { message: 'the long one ends', timeoutMs: 15_000 })
      const failed = await a.jobs.get(long.id, OWNER)
      expect(failed).toMatchObject({ status: 'failed', percent: reached })
      expect(failed?.reason).toMatch(/could not be saved for 6 s/)
      expect(onLong.events.at(-1)).toMatchObject({ event: 'failed', data: { job: failed } })
    },
  )
})
