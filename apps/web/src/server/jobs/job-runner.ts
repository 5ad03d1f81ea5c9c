import { randomBytes } from 'node:crypto'
import type { CreateJob, Job, JobEventData, JobEventName } from '@duplex/protocol/jobs'

/** One event of a job's stream, with the job-local sequence number used as its SSE id. */
export type JobEvent = {
  [K in JobEventName]: { seq: number; event: K; data: JobEventData<K> }
}[JobEventName]

export interface JobRunnerOptions {
  /** Randomness of step lengths (seed it in tests). */
  random?: () => number
  now?: () => number
  /** Timer used to run steps; tests can inject a fake one. */
  setTimer?: (fn: () => void, ms: number) => () => void
  /** Ended jobs kept for the list before the oldest is forgotten. */
  retainEnded?: number
  defaultDurationMs?: number
}

export interface JobRunner {
  create(input: CreateJob): Job
  get(id: string): Job | undefined
  /** Newest first. */
  list(): Job[]
  /** Cancels a running job; an ended job is returned as it is. */
  cancel(id: string): Job | undefined
  /** The last event the job emitted: its current state for a client that (re)connects. */
  lastEvent(id: string): JobEvent | undefined
  /** Follows a job's events from now on. Returns the unsubscribe function. */
  subscribe(id: string, listener: (event: JobEvent) => void): () => void
  /** Number of listeners across all jobs (for leak checks). */
  listenerCount(): number
  stop(): void
}

interface Stage {
  name: string
  share: number
  message: (step: number, steps: number) => string
}

/** A media-publishing pipeline: the stages people recognise from real progress bars. */
const STAGES: readonly Stage[] = [
  { name: 'queued', share: 0.05, message: () => 'Waiting for a free worker' },
  { name: 'uploading', share: 0.2, message: (i, n) => `Uploading chunk ${i} of ${n}` },
  { name: 'transcoding', share: 0.45, message: (i, n) => `Transcoding segment ${i} of ${n}` },
  { name: 'thumbnails', share: 0.15, message: (i, n) => `Rendering thumbnail ${i} of ${n}` },
  { name: 'publishing', share: 0.15, message: (i, n) => `Publishing to CDN edge ${i} of ${n}` },
]

export interface Step {
  atMs: number
  percent: number
  stage: string
  message: string
}

/**
 * Uneven, realistic timing: each stage gets its share of the duration stretched or squeezed by
 * up to ±40%, and is cut into steps of random length, so bars stall and sprint like real work.
 */
export function planSteps(durationMs: number, random: () => number): Step[] {
  const weights = STAGES.map((s) => s.share * (0.6 + random() * 0.8))
  const total = weights.reduce((a, b) => a + b, 0)
  const steps: Step[] = []
  let elapsed = 0
  let percentBase = 0
  STAGES.forEach((stage, index) => {
    const stageMs = (durationMs * (weights[index] ?? 0)) / total
    const count = Math.max(1, Math.round(stageMs / (120 + random() * 300)))
    const lengths = Array.from({ length: count }, () => 0.3 + random())
    const lengthSum = lengths.reduce((a, b) => a + b, 0)
    let inStage = 0
    lengths.forEach((length, i) => {
      inStage += length
      elapsed += (stageMs * length) / lengthSum
      steps.push({
        atMs: elapsed,
        percent: Math.min(100, Math.floor(percentBase + stage.share * 100 * (inStage / lengthSum))),
        stage: stage.name,
        message: stage.message(i + 1, count),
      })
    })
    percentBase += stage.share * 100
  })
  const last = steps.at(-1)
  if (last) last.percent = 100
  return steps
}

/**
 * A job as it starts, and its first event (seq 1: queued at 0%). Both runners, in-process and
 * Redis-backed, start jobs from here so a job looks the same whichever instance made it.
 */
export function newJob(
  input: CreateJob,
  t: number,
  defaultDurationMs = 12_000,
): { job: Job; first: JobEvent } {
  const id = newJobId()
  const job: Job = {
    id,
    name: input.name ?? `Video ${id.slice(-4)}`,
    status: 'running',
    percent: 0,
    stage: 'queued',
    message: 'Waiting for a free worker',
    durationMs: input.durationMs ?? defaultDurationMs,
    createdAt: t,
    updatedAt: t,
    endedAt: null,
    reason: null,
  }
  const first: JobEvent = {
    seq: 1,
    event: 'progress',
    data: { jobId: id, percent: 0, stage: job.stage, message: job.message, ts: t },
  }
  return { job, first }
}

export function newJobId(): string {
  return `job_${randomBytes(6).toString('base64url')}`
}

export function createJobRunner(options: JobRunnerOptions = {}): JobRunner {
  const random = options.random ?? Math.random
  const now = options.now ?? Date.now
  const setTimer =
    options.setTimer ??
    ((fn, ms) => {
      const t = setTimeout(fn, ms)
      t.unref?.()
      return () => clearTimeout(t)
    })
  const retainEnded = options.retainEnded ?? 100
  const jobs = new Map<string, { job: Job; last: JobEvent; cancelTimer?: () => void }>()
  const listeners = new Map<string, Set<(event: JobEvent) => void>>()

  const emit = (id: string, event: JobEvent) => {
    const entry = jobs.get(id)
    if (entry) entry.last = event
    for (const listener of listeners.get(id) ?? []) listener(event)
    if (event.event !== 'progress') listeners.delete(id)
  }

  const forgetOldEnded = () => {
    const ended = [...jobs.values()].filter((e) => e.job.status !== 'running')
    for (const e of ended.slice(0, Math.max(0, ended.length - retainEnded))) jobs.delete(e.job.id)
  }

  const end = (
    id: string,
    status: 'done' | 'failed' | 'cancelled',
    reason: string | null,
    message: string,
  ) => {
    const entry = jobs.get(id)
    if (!entry || entry.job.status !== 'running') return
    entry.cancelTimer?.()
    const t = now()
    entry.job = { ...entry.job, status, reason, message, updatedAt: t, endedAt: t }
    emit(id, { seq: entry.last.seq + 1, event: status, data: { job: entry.job } })
    forgetOldEnded()
  }

  const run = (
    id: string,
    steps: Step[],
    index: number,
    startedAt: number,
    failAt: string | undefined,
  ) => {
    const step = steps[index]
    const entry = jobs.get(id)
    if (!step || !entry) return
    entry.cancelTimer = setTimer(
      () => {
        const current = jobs.get(id)
        if (!current || current.job.status !== 'running') return
        if (failAt !== undefined && step.stage === failAt) {
          end(id, 'failed', 'The CDN refused the upload (simulated failure).', 'Publishing failed')
          return
        }
        const t = now()
        current.job = {
          ...current.job,
          percent: step.percent,
          stage: step.stage,
          message: step.message,
          updatedAt: t,
        }
        emit(id, {
          seq: current.last.seq + 1,
          event: 'progress',
          data: {
            jobId: id,
            percent: step.percent,
            stage: step.stage,
            message: step.message,
            ts: t,
          },
        })
        if (index === steps.length - 1) end(id, 'done', null, 'Published')
        else run(id, steps, index + 1, startedAt, failAt)
      },
      Math.max(0, startedAt + step.atMs - now()),
    )
  }

  return {
    create(input) {
      const t = now()
      const { job, first } = newJob(input, t, options.defaultDurationMs)
      const { id, durationMs } = job
      jobs.set(id, { job, last: first })
      run(id, planSteps(durationMs, random), 0, t, input.simulateFailure ? 'publishing' : undefined)
      return job
    },
    get: (id) => jobs.get(id)?.job,
    list: () => [...jobs.values()].map((e) => e.job).sort((a, b) => b.createdAt - a.createdAt),
    cancel(id) {
      const entry = jobs.get(id)
      if (!entry) return undefined
      end(id, 'cancelled', 'Cancelled by the user.', 'Cancelled')
      return jobs.get(id)?.job ?? entry.job
    },
    lastEvent: (id) => jobs.get(id)?.last,
    subscribe(id, listener) {
      let set = listeners.get(id)
      if (!set) listeners.set(id, (set = new Set()))
      set.add(listener)
      return () => {
        const current = listeners.get(id)
        current?.delete(listener)
        if (current?.size === 0) listeners.delete(id)
      }
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
    stop() {
      for (const entry of jobs.values()) entry.cancelTimer?.()
      listeners.clear()
    },
  }
}
