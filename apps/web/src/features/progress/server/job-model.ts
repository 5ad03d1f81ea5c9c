import { randomBytes } from 'node:crypto'
import type { CreateJob, Job, JobEventData, JobEventName } from '@duplex/protocol/jobs'

/** One event of a job's stream, with the job-local sequence number used as its SSE id. */
export type JobEvent = {
  [K in JobEventName]: { seq: number; event: K; data: JobEventData<K> }
}[JobEventName]

export const isTerminal = (event: JobEvent) => event.event !== 'progress'

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

/** A job as it starts, and its first event (seq 1: queued at 0%). */
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
  return { job, first: eventOf(job, 1) }
}

function newJobId(): string {
  return `job_${randomBytes(6).toString('base64url')}`
}

/**
 * The change that ends a running job with `status`; `null` (no change) for a job that has ended
 * already, so ending twice is harmless.
 */
export function ending(
  status: 'done' | 'failed' | 'cancelled',
  reason: string | null | ((job: Job) => string),
  message: string,
  now: () => number,
) {
  return (job: Job): JobChange => {
    if (job.status !== 'running') return null
    const t = now()
    const why = typeof reason === 'function' ? reason(job) : reason
    return { ...job, status, reason: why, message, updatedAt: t, endedAt: t }
  }
}

/**
 * A job's next state, or `null` for no change. Its event follows from it ({@link eventOf}), so a
 * store keeps the state and its `seq`, and the two can never disagree.
 */
export type JobChange = Job | null

/**
 * The event that announces `job` as it is now, numbered `seq`: `progress` while it runs (its
 * percent, stage and message, stamped with `updatedAt`), else the terminal event of its status
 * carrying the ended job. Progress is a state, not a log: the last event is all a (re)connecting
 * client needs.
 */
export function eventOf(job: Job, seq: number): JobEvent {
  if (job.status === 'running') {
    const { id: jobId, percent, stage, message, updatedAt: ts } = job
    return { seq, event: 'progress', data: { jobId, percent, stage, message, ts } }
  }
  return { seq, event: job.status, data: { job } }
}
