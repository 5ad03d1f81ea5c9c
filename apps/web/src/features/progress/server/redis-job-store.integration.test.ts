import { testServices } from '@duplex/testing/services'
import { waitFor } from '@duplex/testing/wait'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { RedisClients } from '@/shared/server/cluster/redis'
import { createTestCluster, type TestCluster } from '@/shared/server/cluster/test-redis'
import { createRandom } from '@/shared/lib/random'
import type { JobEvent } from './job-model.ts'
import { createJobService, type JobService } from './job-service.ts'
import { createRedisJobStore } from './redis-job-store.ts'

const OWNER = 'user-ada'

// Against the real Redis (127.0.0.1:6379, or TEST_REDIS_URL): each "instance" has its own
// connections and instance id; the key prefix is the test's own and is deleted afterwards.

const LEASE_MS = 400

let unavailable: string | undefined
beforeAll(async () => {
  unavailable = (await testServices({ postgres: false })).reason
})

let cluster: TestCluster
const services: { stop(reason: string): Promise<void> }[] = []

afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop('test over')))
  await cluster?.cleanup()
})

function instance(
  name: string,
  seed = 1,
  limits?: { perUser: number; total: number },
): { jobs: JobService; redis: RedisClients } {
  const redis = cluster.instance(name)
  const random = createRandom(seed)
  const log = () => {}
  const jobs = createJobService({
    store: createRedisJobStore({ redis, random, leaseMs: LEASE_MS, sweepMs: 100, log }),
    random,
    log,
    limits,
  })
  services.push(jobs)
  return { jobs, redis }
}

function follow(jobs: JobService, id: string) {
  const events: JobEvent[] = []
  const unsubscribe = jobs.subscribe(id, (e) => events.push(e))
  return { events, unsubscribe }
}

describe('job service over the Redis store', () => {
  it('streams a job started on one instance from another, each event once and in order', async (context) => {
    if (unavailable) return context.skip()
    cluster = createTestCluster()
    const a = instance('a')
    const b = instance('b')
    await Promise.all([a.jobs.ready, b.jobs.ready])

    const job = await a.jobs.create(OWNER, { durationMs: 800 })
    const seen = follow(b.jobs, job.id)
    await waitFor(() => seen.events.some((e) => e.event === 'done'), 'done on b')
    const seqs = seen.events.map((e) => e.seq)
    seqs.forEach((s, i) => i > 0 && expect(s).toBe((seqs[i - 1] ?? 0) + 1))
    const percents = seen.events.flatMap((e) => (e.event === 'progress' ? [e.data.percent] : []))
    percents.forEach((p, i) => i > 0 && expect(p).toBeGreaterThanOrEqual(percents[i - 1] ?? 0))
    expect(seen.events.filter((e) => e.event !== 'progress')).toHaveLength(1)

    const onB = await b.jobs.get(job.id, OWNER)
    expect(onB).toMatchObject({ id: job.id, status: 'done', percent: 100, reason: null })
    expect((await b.jobs.lastEvent(job.id, OWNER))?.event).toBe('done')
    expect((await b.jobs.list(OWNER)).map((j) => j.id)).toContain(job.id)
    seen.unsubscribe()
  })

  it('cancels from any instance: the runner stops and nothing follows the cancelled event', async (context) => {
    if (unavailable) return context.skip()
    cluster = createTestCluster()
    const a = instance('a')
    const b = instance('b')
    await Promise.all([a.jobs.ready, b.jobs.ready])

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
    cluster = createTestCluster()
    const a = instance('a')
    const b = instance('b')
    await Promise.all([a.jobs.ready, b.jobs.ready])

    const job = await a.jobs.create(OWNER, { durationMs: 20_000 })
    const seen = follow(b.jobs, job.id)
    await waitFor(() => seen.events.length >= 3, 'some progress')
    // A crash: the runner's connections drop, its lease is no longer renewed.
    a.redis.command.disconnect()

    await waitFor(() => seen.events.at(-1)?.event === 'failed', {
      message: 'failed on b',
      timeoutMs: LEASE_MS * 10,
    })
    const progress = seen.events.flatMap((e) => (e.event === 'progress' ? [e.data.percent] : []))
    const reached = progress.at(-1)
    const failed = await b.jobs.get(job.id, OWNER)
    expect(failed?.status).toBe('failed')
    expect(failed?.percent).toBe(reached)
    expect(failed?.reason).toMatch(/stopped before it finished/)
    expect(failed?.reason).toContain(`${reached}%`)
    expect(seen.events.filter((e) => e.event !== 'progress')).toHaveLength(1)
  })

  it('ends the jobs of an instance that stops gracefully, with the reason it was given', async (context) => {
    if (unavailable) return context.skip()
    cluster = createTestCluster()
    const a = instance('a')
    const b = instance('b')
    await Promise.all([a.jobs.ready, b.jobs.ready])
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
    cluster = createTestCluster()
    const a = instance('a')
    await a.jobs.ready
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
    cluster = createTestCluster()
    const limits = { perUser: 2, total: 3 }
    const a = instance('a', 1, limits)
    const b = instance('b', 2, limits)
    await Promise.all([a.jobs.ready, b.jobs.ready])

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

    // The total: one more job fills the cluster, the next is refused whoever asks.
    await b.jobs.create('user-bob', { durationMs: 20_000 })
    await expect(a.jobs.create('user-carol', { durationMs: 500 })).rejects.toMatchObject({
      scope: 'total',
    })
    // A cancel frees a place, wherever it is done.
    await b.jobs.cancel(first.id, OWNER)
    expect(await a.jobs.create('user-carol', { durationMs: 500 })).toMatchObject({
      status: 'running',
    })
    expect((await a.jobs.list(OWNER)).map((j) => j.status).sort()).toEqual(['cancelled', 'running'])
  })
})
