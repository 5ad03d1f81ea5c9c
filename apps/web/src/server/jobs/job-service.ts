import type { CreateJob, Job } from '@duplex/protocol/jobs'
import type { JobEvent, JobRunner } from './job-runner.ts'

/**
 * What the job routes need, the same in both modes. Asynchronous because in cluster mode the job
 * may live on another instance and its state is read from Redis.
 */
export interface JobService {
  create(input: CreateJob): Promise<Job>
  get(id: string): Promise<Job | undefined>
  /** Newest first. */
  list(): Promise<Job[]>
  /** Cancels a running job wherever it runs; an ended job is returned as it is. */
  cancel(id: string): Promise<Job | undefined>
  /** The last event the job emitted: its current state for a client that (re)connects. */
  lastEvent(id: string): Promise<JobEvent | undefined>
  /**
   * Follows a job's events from now on, each at most once and in `seq` order. Returns the
   * unsubscribe function.
   */
  subscribe(id: string, listener: (event: JobEvent) => void): () => void
  /** Stops running jobs here (cluster mode: they end as `failed`, with the reason) and timers. */
  stop(reason: string): Promise<void>
}

/** One process: the in-memory runner, as is. */
export function localJobService(runner: JobRunner): JobService {
  return {
    create: async (input) => runner.create(input),
    get: async (id) => runner.get(id),
    list: async () => runner.list(),
    cancel: async (id) => runner.cancel(id),
    lastEvent: async (id) => runner.lastEvent(id),
    subscribe: (id, listener) => runner.subscribe(id, listener),
    stop: async () => runner.stop(),
  }
}
