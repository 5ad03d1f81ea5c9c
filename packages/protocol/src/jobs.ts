import { z } from 'zod'
import { defineEventMap, type EventData } from './events.ts'

export const JobStatus = {
  running: 'running',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
} as const
export const JobStatusSchema = z.enum(['running', 'done', 'failed', 'cancelled'])
export type JobStatus = z.infer<typeof JobStatusSchema>

/** Job ids are opaque, URL-safe strings. */
export const JobIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a job id')

/**
 * Characters a job name must not carry: control characters (a newline or ESC redraws other
 * lines in a log or terminal), bidi controls (U+202A–U+202E, U+2066–U+2069, LRM/RLM/ALM reorder
 * the text around them so a name reads as something else) and unpaired surrogates (not text at
 * all; they turn into U+FFFD or errors on the way to another system).
 */
const UNSAFE_NAME = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u

/** In `u` mode a valid pair is one code point, so only a lone half matches `\p{Surrogate}`. */
function hasLoneSurrogate(value: string): boolean {
  return /\p{Surrogate}/u.test(value)
}

/** A job's display name: trimmed, 1–80 characters, printable and in reading order. */
export const JobNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .refine((name) => !UNSAFE_NAME.test(name), {
    message: 'must not contain control or bidirectional-override characters',
  })
  .refine((name) => !hasLoneSurrogate(name), { message: 'must not contain unpaired surrogates' })

/** Body of `POST /api/jobs`. Every field is optional; an empty body starts a default job. */
export const CreateJobSchema = z
  .object({
    name: JobNameSchema.optional(),
    durationMs: z.number().int().min(500).max(600_000).optional(),
    /** Makes the job fail in its last stage, to show the `failed` ending. */
    simulateFailure: z.boolean().optional(),
  })
  .strict()
export type CreateJob = z.infer<typeof CreateJobSchema>

export const JobSchema = z.object({
  id: JobIdSchema,
  name: z.string(),
  status: JobStatusSchema,
  percent: z.number().min(0).max(100),
  stage: z.string(),
  message: z.string(),
  durationMs: z.number().int(),
  createdAt: z.number(),
  updatedAt: z.number(),
  endedAt: z.number().nullable(),
  /** Why it failed or who cancelled it; null while running or when done. */
  reason: z.string().nullable(),
})
export type Job = z.infer<typeof JobSchema>

export const JobListSchema = z.object({ jobs: z.array(JobSchema) })
export type JobList = z.infer<typeof JobListSchema>

export const JobProgressSchema = z.object({
  jobId: JobIdSchema,
  percent: z.number().min(0).max(100),
  stage: z.string(),
  message: z.string(),
  ts: z.number(),
})
export type JobProgress = z.infer<typeof JobProgressSchema>

/** Payload of every terminal event: the job as it ended. */
export const JobEndedSchema = z.object({ job: JobSchema })
export type JobEnded = z.infer<typeof JobEndedSchema>

/** Every event of `GET /api/jobs/:id/events`, by name. Exactly one terminal event ends the stream. */
export const JobEvents = defineEventMap({
  progress: JobProgressSchema,
  done: JobEndedSchema,
  failed: JobEndedSchema,
  cancelled: JobEndedSchema,
})
export type JobEventMap = typeof JobEvents
export type JobEventName = keyof JobEventMap
export type JobEventData<K extends JobEventName> = EventData<JobEventMap, K>

/** The events after which a job stream ends on purpose: a client must not reconnect. */
export const JOB_TERMINAL_EVENTS = [
  'done',
  'failed',
  'cancelled',
] as const satisfies readonly JobEventName[]
export type JobTerminalEvent = (typeof JOB_TERMINAL_EVENTS)[number]
