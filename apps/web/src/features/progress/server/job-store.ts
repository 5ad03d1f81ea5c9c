import type { Job } from '@duplex/protocol/jobs'
import type { JobChange, JobEvent } from './job-model.ts'

/** What a compare-and-set of one job did. */
export type JobOutcome =
  | { kind: 'changed'; job: Job; event: JobEvent }
  | { kind: 'unchanged'; job: Job }
  | { kind: 'missing' }

/** What the job service tells its store. */
export interface JobStoreHooks {
  /** Every event of every job, each once, wherever it happened (cluster: this instance's too). */
  onEvent(jobId: string, event: JobEvent): void
  /** Whether this process runs the job's steps: a sweep for dead runners leaves those alone. */
  runsHere(jobId: string): boolean
  /** The jobs someone here follows, for a store that must resend their state after a gap. */
  watched(): Iterable<string>
}

/**
 * Where jobs and their last event live: in this process (`createMemoryJobStore`), or in Redis for
 * a cluster (`createRedisJobStore`). The step loop above it (`createJobService`) is the same.
 */
export interface JobStore {
  /**
   * True when other processes read and follow this store's jobs: the jobs running here are then
   * ended, with the reason, when this process stops, since nobody else would ever finish them.
   */
  readonly shared: boolean
  /** Connects the store to its service (called once); resolves once it can serve. */
  open(hooks: JobStoreHooks): Promise<void>
  /** Stores a new job and its first event. */
  insert(job: Job, first: JobEvent): Promise<void>
  read(id: string): Promise<{ job: Job; last: JobEvent } | undefined>
  /** The jobs kept, newest first. */
  list(): Promise<Job[]>
  /**
   * Applies `compute` to the job as stored, atomically: the new state and its event (`seq` = the
   * last one's + 1) are written together, and the event reaches every `onEvent`.
   */
  transition(id: string, compute: (job: Job) => JobChange): Promise<JobOutcome>
  /**
   * Stops the store's own timers, lets the service end what runs here (`finish`), then lets go of
   * what the store holds. No sweep can race `finish`.
   */
  stop(finish: () => Promise<void>): Promise<void>
}
