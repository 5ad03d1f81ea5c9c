import type { Job } from '@duplex/protocol/jobs'
import type { JobChange, JobEvent } from './job-model.ts'

/** What a compare-and-set of one job did. */
export type JobOutcome =
  | { kind: 'changed'; job: Job; event: JobEvent }
  | { kind: 'unchanged'; job: Job }
  | { kind: 'missing' }

/** What the job service tells its store. */
export interface JobStoreHooks {
  /**
   * Events of jobs, wherever they happened (cluster: this instance's too), each at least once;
   * after a gap a store may hand over a job's last event again (listeners keep only newer `seq`).
   */
  onEvent(jobId: string, event: JobEvent): void
  /** Whether this process runs the job's steps: a sweep for dead runners leaves those alone. */
  runsHere(jobId: string): boolean
  /** The jobs someone here follows, for a store that must resend their state after a gap. */
  watched(): Iterable<string>
}

/** How many jobs may run at once; a store refuses an insert past either bound. */
export interface RunningLimits {
  perUser: number
  total: number
}

/** What an insert did: stored, or refused because `user` or `total` running jobs are at the bound. */
export type InsertOutcome = { kind: 'inserted' } | { kind: 'refused'; scope: 'user' | 'total' }

/** A stored job, its last event and the user who created it. */
export interface StoredJob {
  job: Job
  last: JobEvent
  owner: string
}

/**
 * Where jobs live: in this process (`createMemoryJobStore`), or in PostgreSQL for a cluster, with
 * Redis carrying the events between instances (`createClusterJobStore`). The step loop above it
 * (`createJobService`) is the same. Every job has an owner: the list is per owner, and the bounds
 * on running jobs are checked in the same step as the insert, so concurrent creations cannot
 * overshoot them. A job's last event follows from its state and `seq` (`eventOf`).
 */
export interface JobStore {
  /**
   * True when other processes read and follow this store's jobs: the jobs running here are then
   * ended, with the reason, when this process stops, since nobody else would ever finish them.
   */
  readonly shared: boolean
  /** Connects the store to its service (called once); resolves once it can serve. */
  open(hooks: JobStoreHooks): Promise<void>
  /** Stores a new job (its event `seq` 1), unless `limits` are reached. */
  insert(job: Job, owner: string, limits: RunningLimits): Promise<InsertOutcome>
  read(id: string): Promise<StoredJob | undefined>
  /** The owner's jobs kept, newest first. */
  list(owner: string): Promise<Job[]>
  /** The owner's running jobs (for when the next one ends: a 429's `Retry-After`). */
  running(owner: string): Promise<Job[]>
  /**
   * Applies `compute` to the job as stored, atomically (compare-and-set on `seq`): the new state
   * is written with `seq` + 1, and its event reaches every `onEvent`. Throws when the store cannot
   * be reached; nothing was changed then.
   */
  transition(id: string, compute: (job: Job) => JobChange): Promise<JobOutcome>
  /**
   * Stops the store's own timers, lets the service end what runs here (`finish`), then lets go of
   * what the store holds. No sweep can race `finish`.
   */
  stop(finish: () => Promise<void>): Promise<void>
}
