import { defineEventMap } from '@duplex/protocol/events'
import { z } from 'zod'

/**
 * A stream that ends on purpose, shaped like a long-running task's progress: the tests' own
 * event map, so this package's tests depend on no demo's protocol.
 */
export const TaskSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['running', 'done', 'failed', 'cancelled']),
  percent: z.number().min(0).max(100),
  stage: z.string(),
  message: z.string(),
  durationMs: z.number().int(),
  createdAt: z.number(),
  updatedAt: z.number(),
  endedAt: z.number().nullable(),
  reason: z.string().nullable(),
})
export type Task = z.infer<typeof TaskSchema>

export const TaskProgressSchema = z.object({
  taskId: z.string(),
  percent: z.number().min(0).max(100),
  stage: z.string(),
  message: z.string(),
  ts: z.number(),
})
export type TaskProgress = z.infer<typeof TaskProgressSchema>

const TaskEndedSchema = z.object({ task: TaskSchema })

export const TaskEvents = defineEventMap({
  progress: TaskProgressSchema,
  done: TaskEndedSchema,
  failed: TaskEndedSchema,
  cancelled: TaskEndedSchema,
})

export const TASK_TERMINAL_EVENTS = ['done', 'failed', 'cancelled'] as const
