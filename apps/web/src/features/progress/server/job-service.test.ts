import { describe, expect, it } from 'vitest'
import { createRandom } from '@/shared/lib/random'
import type { JobEvent } from './job-model.ts'
import { JobLimitError, createJobService } from './job-service.ts'
import type { JobStore } from './job-store.ts'
import { createMemoryJobStore } from './memory-job-store.ts'

const OWNER = 'user-ada'

/** A manual clock and timer queue, so a 12-second job runs in microseconds and deterministically. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve))

function fakeTime() {
  let now = 1_000_000
  const timers: { at: number; fn: () => void; live: boolean }[] = []
  return {
    now: () => now,
    setTimer(fn: () => void, ms: number) {
      const timer = { at: now + ms, fn, live: true }
      timers.push(timer)
      return () => {
        timer.live = false
      }
    },
    /**
     * Runs every timer due within `ms`, in time order, including those they schedule once the
     * store's promises have settled.
     */
    async advance(ms: number) {
      const end = now + ms
      for (;;) {
        await settle()
        const next = timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0]
        if (!next) break
        next.live = false
        now = next.at
        next.fn()
      }
      now = end
    },
    pending: () => timers.filter((t) => t.live).length,
  }
}

function runner(time = fakeTime()) {
  return {
    time,
    jobs: createJobService({
      store: createMemoryJobStore(),
      now: time.now,
      setTimer: time.setTimer,
      random: createRandom(1),
    }),
  }
}

describe('createJobService over the in-memory store', () => {
  it('runs a job through every stage to 100% and ends it with exactly one done event', async () => {
    const { time, jobs } = runner()
    const job = await jobs.create(OWNER, { durationMs: 5000 })
    const events: JobEvent[] = []
    jobs.subscribe(job.id, (e) => events.push(e))
    await time.advance(10_000)

    const progress = events.filter((e) => e.event === 'progress')
    const terminal = events.filter((e) => e.event !== 'progress')
    expect(terminal.map((e) => e.event)).toEqual(['done'])
    expect(events.at(-1)?.event).toBe('done')
    const percents = progress.map((e) => (e.event === 'progress' ? e.data.percent : -1))
    expect(percents.at(-1)).toBe(100)
    for (let i = 1; i < percents.length; i++)
      expect(percents[i]).toBeGreaterThanOrEqual(percents[i - 1] ?? 0)
    const stages = new Set(progress.map((e) => (e.event === 'progress' ? e.data.stage : '')))
    expect([...stages]).toEqual(['queued', 'uploading', 'transcoding', 'thumbnails', 'publishing'])
    expect(await jobs.get(job.id, OWNER)).toMatchObject({
      status: 'done',
      percent: 100,
      endedAt: expect.any(Number),
    })
    expect(time.pending()).toBe(0)
  })

  it('numbers events 1, 2, 3… so the last one seen can be sent back as Last-Event-ID', async () => {
    const { time, jobs } = runner()
    const job = await jobs.create(OWNER, { durationMs: 2000 })
    const seqs: number[] = []
    jobs.subscribe(job.id, (e) => seqs.push(e.seq))
    await time.advance(5000)
    expect(seqs[0]).toBe(2) // seq 1 is the state at creation
    seqs.forEach((seq, i) => expect(seq).toBe(i + 2))
    expect((await jobs.lastEvent(job.id, OWNER))?.seq).toBe(seqs.at(-1))
  })

  it('finishes close to the requested duration, with uneven steps', async () => {
    const { time, jobs } = runner()
    const job = await jobs.create(OWNER, { durationMs: 8000 })
    const times: number[] = []
    jobs.subscribe(job.id, () => times.push(time.now()))
    await time.advance(20_000)
    const took = (times.at(-1) ?? 0) - job.createdAt
    expect(took).toBeGreaterThan(7900)
    expect(took).toBeLessThan(8100)
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0))
    expect(new Set(gaps.map((g) => Math.round(g / 10))).size).toBeGreaterThan(3)
  })

  it('cancels a running job: one cancelled event, no more progress, timers gone', async () => {
    const { time, jobs } = runner()
    const job = await jobs.create(OWNER, { durationMs: 10_000 })
    const events: JobEvent[] = []
    jobs.subscribe(job.id, (e) => events.push(e))
    await time.advance(3000)
    const cancelled = await jobs.cancel(job.id, OWNER)
    await time.advance(20_000)
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      reason: expect.stringMatching(/cancel/i),
    })
    expect(cancelled?.percent).toBeGreaterThan(0)
    expect(cancelled?.percent).toBeLessThan(100)
    expect(events.filter((e) => e.event !== 'progress').map((e) => e.event)).toEqual(['cancelled'])
    expect(events.at(-1)?.event).toBe('cancelled')
    expect(time.pending()).toBe(0)
    expect(jobs.listenerCount()).toBe(0)
  })

  it('leaves an ended job as it is when cancelled again', async () => {
    const { time, jobs } = runner()
    const job = await jobs.create(OWNER, { durationMs: 1000 })
    await time.advance(2000)
    expect(await jobs.cancel(job.id, OWNER)).toMatchObject({ status: 'done' })
    expect(await jobs.cancel('job_missing', OWNER)).toBeUndefined()
  })

  it('fails a job told to fail, in its publishing stage, with a reason', async () => {
    const { time, jobs } = runner()
    const job = await jobs.create(OWNER, { durationMs: 3000, simulateFailure: true })
    const events: JobEvent[] = []
    jobs.subscribe(job.id, (e) => events.push(e))
    await time.advance(10_000)
    const ended = await jobs.get(job.id, OWNER)
    expect(ended).toMatchObject({ status: 'failed', reason: expect.any(String) })
    expect(ended?.percent).toBeLessThan(100)
    expect(events.at(-1)?.event).toBe('failed')
  })

  it('keeps running while nobody listens, so a viewer that comes back sees the true state', async () => {
    const { time, jobs } = runner()
    const job = await jobs.create(OWNER, { durationMs: 10_000 })
    const unsubscribe = jobs.subscribe(job.id, () => {})
    unsubscribe()
    await time.advance(5000)
    const state = await jobs.get(job.id, OWNER)
    expect(state?.status).toBe('running')
    expect(state?.percent).toBeGreaterThan(20)
    expect(await jobs.lastEvent(job.id, OWNER)).toMatchObject({
      event: 'progress',
      data: { percent: state?.percent },
    })
  })

  it('lists jobs newest first and forgets the oldest ended ones past its limit', async () => {
    const time = fakeTime()
    const jobs = createJobService({
      store: createMemoryJobStore({ retainEndedPerUser: 2 }),
      now: time.now,
      setTimer: time.setTimer,
    })
    const ids: string[] = []
    for (let i = 0; i < 4; i++) {
      ids.push((await jobs.create(OWNER, { durationMs: 500 })).id)
      await time.advance(1)
    }
    await time.advance(2000)
    expect((await jobs.list(OWNER)).map((j) => j.id)).toEqual([ids[3], ids[2]])
  })

  it("keeps each user's jobs their own: another user cannot list, read, follow or cancel them", async () => {
    const { time, jobs } = runner()
    const job = await jobs.create(OWNER, { durationMs: 5000 })
    expect(await jobs.list('user-bob')).toEqual([])
    expect(await jobs.get(job.id, 'user-bob')).toBeUndefined()
    expect(await jobs.lastEvent(job.id, 'user-bob')).toBeUndefined()
    expect(await jobs.cancel(job.id, 'user-bob')).toBeUndefined()
    await time.advance(1000)
    // Still running for its owner: Bob's cancel did nothing.
    expect(await jobs.get(job.id, OWNER)).toMatchObject({ status: 'running' })
    expect((await jobs.list(OWNER)).map((j) => j.id)).toEqual([job.id])
  })

  it('refuses a job past the per-user bound, with when to try again, and keeps the running ones', async () => {
    const time = fakeTime()
    const jobs = createJobService({
      store: createMemoryJobStore(),
      now: time.now,
      setTimer: time.setTimer,
      limits: { perUser: 2, total: 10 },
    })
    const first = await jobs.create(OWNER, { durationMs: 10_000 })
    await time.advance(1000)
    await jobs.create(OWNER, { durationMs: 20_000 })
    const refused = await jobs.create(OWNER, { durationMs: 500 }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(JobLimitError)
    expect(refused).toMatchObject({ scope: 'user', limit: 2, retryAfterMs: 9000 })
    // Someone else is not held back by Ada's jobs.
    expect(await jobs.create('user-bob', { durationMs: 500 })).toMatchObject({ status: 'running' })
    expect((await jobs.list(OWNER)).map((j) => j.status)).toEqual(['running', 'running'])
    // Once one ends, there is room again.
    await jobs.cancel(first.id, OWNER)
    expect(await jobs.create(OWNER, { durationMs: 500 })).toMatchObject({ status: 'running' })
  })

  it('refuses past the total bound whoever asks, so many users cannot grow memory either', async () => {
    const time = fakeTime()
    const jobs = createJobService({
      store: createMemoryJobStore(),
      now: time.now,
      setTimer: time.setTimer,
      limits: { perUser: 5, total: 3 },
    })
    for (const who of ['a', 'b', 'c']) await jobs.create(who, { durationMs: 10_000 })
    await expect(jobs.create('d', { durationMs: 500 })).rejects.toMatchObject({
      scope: 'total',
      retryAfterMs: 5000,
    })
    expect(jobs.listenerCount()).toBe(0)
    expect(time.pending()).toBe(3) // the refused job never started a timer
  })

  it('waits out a store that cannot save a step, then ends the job as failed past giveUpAfterMs', async () => {
    const time = fakeTime()
    const memory = createMemoryJobStore()
    let down = false
    const store: JobStore = {
      ...memory,
      transition: (id, compute) =>
        down ? Promise.reject(new Error('connect ECONNREFUSED')) : memory.transition(id, compute),
    }
    const jobs = createJobService({
      store,
      now: time.now,
      setTimer: time.setTimer,
      random: createRandom(1),
      retryMs: 1000,
      giveUpAfterMs: 10_000,
      log: () => {},
    })
    const short = await jobs.create(OWNER, { durationMs: 5000 })
    const long = await jobs.create(OWNER, { durationMs: 60_000 })
    await time.advance(1000)
    const reached = (await jobs.get(long.id, OWNER))?.percent

    // Down for 5 s: the steps wait, nothing is lost, and the short job still finishes.
    down = true
    await time.advance(5000)
    down = false
    await time.advance(10_000)
    expect(await jobs.get(short.id, OWNER)).toMatchObject({ status: 'done', percent: 100 })

    // Down for longer than giveUpAfterMs: the long job ends as failed once it can be saved.
    const before = (await jobs.get(long.id, OWNER))?.percent ?? -1
    down = true
    await time.advance(15_000)
    expect((await jobs.get(long.id, OWNER))?.status).toBe('running')
    down = false
    await time.advance(2000)
    const failed = await jobs.get(long.id, OWNER)
    expect(failed).toMatchObject({ status: 'failed', percent: before })
    expect(failed?.reason).toBe(
      `This job was stopped: its progress could not be saved for 10 s; it had reached ${before}%.`,
    )
    expect(before).toBeGreaterThan(reached ?? 0)
    expect(time.pending()).toBe(0)
  })
})
