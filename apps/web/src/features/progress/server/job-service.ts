import type { CreateJob, Job } from '@duplex/protocol/jobs'
import { ending, isTerminal, newJob, planSteps, type JobEvent, type Step } from './job-model.ts'
import type { JobStore, RunningLimits } from './job-store.ts'

export interface JobServiceOptions {
  /** Where jobs live: this process's memory, or PostgreSQL (and Redis for events) in a cluster. */
  store: JobStore
  /** Randomness of step lengths (seed it in tests). */
  random?: () => number
  now?: () => number
  /** Timer used to run steps; tests can inject a fake one. Returns the function that cancels it. */
  setTimer?: (fn: () => void, ms: number) => () => void
  defaultDurationMs?: number
  /** Running jobs allowed per user and in all; past either, `create` throws {@link JobLimitError}. */
  limits?: RunningLimits
  /** How long a step waits before trying again when the store could not save it (default 1 s). */
  retryMs?: number
  /**
   * How long a job may fail to save its progress before it is given up (default 30 s): it then
   * ends as `failed`, with the reason and the percent it had reached, as soon as the store takes
   * that. A shorter outage only delays its steps.
   */
  giveUpAfterMs?: number
  log?: (message: string) => void
}

/** A creation refused because too many jobs run already: the route's 429. */
export class JobLimitError extends Error {
  constructor(
    readonly scope: 'user' | 'total',
    readonly limit: number,
    /** When trying again may succeed: the user's soonest job end, or a few seconds. */
    readonly retryAfterMs: number,
  ) {
    super(
      scope === 'user'
        ? `You already run ${limit} jobs; wait for one to end or cancel one.`
        : `The server already runs ${limit} jobs; try again shortly.`,
    )
    this.name = 'JobLimitError'
  }
}

/**
 * Whether `error` is a {@link JobLimitError}. Not `instanceof`: Next bundles this module into
 * more than one chunk, and the service (created once per process) may throw another copy's class.
 */
export function isJobLimitError(error: unknown): error is JobLimitError {
  return error instanceof Error && error.name === 'JobLimitError'
}

/** Retry-After for a full server, when no job of this user tells a better time. */
const TOTAL_RETRY_MS = 5000

/**
 * What the job routes need, the same in both modes. Asynchronous because in cluster mode the job
 * may run on another instance and its state is read from PostgreSQL; every method but `subscribe`
 * may then throw when the database cannot be reached (`isStoreUnavailable`), having changed nothing.
 */
export interface JobService {
  /** Resolves once the store can serve (cluster mode: lease taken, events followed). */
  ready: Promise<void>
  /** Starts a job for `owner`; throws {@link JobLimitError} when too many run already. */
  create(owner: string, input: CreateJob): Promise<Job>
  /**
   * Every read and change below takes the caller's user id: another user's job is `undefined`,
   * exactly as a job that does not exist, so ids cannot be probed.
   */
  get(id: string, owner: string): Promise<Job | undefined>
  /** The owner's jobs, newest first. */
  list(owner: string): Promise<Job[]>
  /** Cancels a running job wherever it runs; an ended job is returned as it is. */
  cancel(id: string, owner: string): Promise<Job | undefined>
  /** The last event the job emitted: its current state for a client that (re)connects. */
  lastEvent(id: string, owner: string): Promise<JobEvent | undefined>
  /**
   * Follows a job's events from now on, each at most once and in `seq` order, until its terminal
   * event. Returns the unsubscribe function.
   */
  subscribe(id: string, listener: (event: JobEvent) => void): () => void
  /** Number of listeners across all jobs (for leak checks). */
  listenerCount(): number
  /**
   * Stops the steps running here and the store's timers. With a shared store (cluster mode) the
   * jobs that ran here end as `failed`, with the reason, instead of waiting for a sweep.
   */
  stop(reason: string): Promise<void>
}

const ownedBy = <T extends { owner: string }>(stored: T | undefined, owner: string) =>
  stored?.owner === owner ? stored : undefined

interface Watcher {
  listener: (event: JobEvent) => void
  seen: number
}

const SIMULATED_FAILURE = 'The CDN refused the upload (simulated failure).'

/**
 * Runs jobs: each one's steps (`planSteps`) on timers in the process that created it, every change
 * a compare-and-set through the store, so a cancel from anywhere and a step never both win. The
 * store hands back every event, which is how followers here hear of changes made elsewhere.
 */
export function createJobService(options: JobServiceOptions): JobService {
  const { store } = options
  const random = options.random ?? Math.random
  const now = options.now ?? Date.now
  const setTimer =
    options.setTimer ??
    ((fn, ms) => {
      const t = setTimeout(fn, ms)
      t.unref?.()
      return () => clearTimeout(t)
    })
  const log = options.log ?? ((message: string) => console.warn(`[web] ${message}`))
  const limits = options.limits ?? { perUser: 5, total: 500 }
  const retryMs = options.retryMs ?? 1000
  const giveUpAfterMs = options.giveUpAfterMs ?? 30_000
  /** Jobs whose steps run in this process: id → cancel its next step. */
  const runningHere = new Map<string, () => void>()
  const watchers = new Map<string, Set<Watcher>>()
  let stopped = false

  const deliver = (jobId: string, event: JobEvent) => {
    if (isTerminal(event)) {
      // Cancelled (or failed by a sweep) wherever: its next step must not run.
      runningHere.get(jobId)?.()
      runningHere.delete(jobId)
    }
    for (const watcher of watchers.get(jobId) ?? []) {
      if (event.seq <= watcher.seen) continue
      watcher.seen = event.seq
      watcher.listener(event)
    }
    if (isTerminal(event)) watchers.delete(jobId)
  }

  const ready = store.open({
    onEvent: deliver,
    runsHere: (id) => runningHere.has(id),
    watched: () => watchers.keys(),
  })

  /**
   * Ends a job that cannot go on as `failed`, trying until the store takes it: the store was away
   * for too long, and may still be. A terminal event from elsewhere (a cancel) or a stop ends the
   * attempts (both clear `runningHere`).
   */
  const endWhenPossible = (id: string, reason: (job: Job) => string) => {
    const cancel = setTimer(() => {
      store
        .transition(id, ending('failed', reason, 'Interrupted', now))
        .then(() => runningHere.delete(id))
        .catch(() => {
          if (runningHere.get(id) === cancel) endWhenPossible(id, reason)
        })
    }, retryMs)
    runningHere.set(id, cancel)
  }

  const run = (id: string, steps: Step[], index: number, startedAt: number, failAt?: string) => {
    const step = steps[index]
    if (!step || !runningHere.has(id)) return
    /** `failingSince`: when saving this step first failed, if it has. */
    const attempt = (delay: number, failingSince?: number) => {
      const cancel = setTimer(() => {
        void (async () => {
          if (runningHere.get(id) !== cancel) return
          try {
            if (failAt !== undefined && step.stage === failAt) {
              await store.transition(
                id,
                ending('failed', SIMULATED_FAILURE, 'Publishing failed', now),
              )
              runningHere.delete(id)
              return
            }
            const t = now()
            const outcome = await store.transition(id, (job) =>
              job.status !== 'running'
                ? null
                : {
                    ...job,
                    percent: step.percent,
                    stage: step.stage,
                    message: step.message,
                    updatedAt: t,
                  },
            )
            if (outcome.kind !== 'changed') {
              runningHere.delete(id) // it ended elsewhere (cancelled, failed by a sweep)
              return
            }
            if (index === steps.length - 1) {
              await store.transition(id, ending('done', null, 'Published', now))
              runningHere.delete(id)
            } else run(id, steps, index + 1, startedAt, failAt)
          } catch (error) {
            if (runningHere.get(id) !== cancel) return // cancelled, or stopped, meanwhile
            // The store is away (PostgreSQL down or cut off): the step is tried again, and the
            // job goes on from there once it is back. Past `giveUpAfterMs` it cannot honestly
            // claim to be running any more, so it ends as failed, saying why, when it can.
            const since = failingSince ?? now()
            const message = error instanceof Error ? error.message : String(error)
            if (failingSince === undefined)
              log(`job ${id}: cannot save its progress (${message}); retrying`)
            if (now() - since < giveUpAfterMs) return attempt(retryMs, since)
            log(
              `job ${id}: progress unsaved for ${giveUpAfterMs / 1000} s (${message}); ending it as failed`,
            )
            endWhenPossible(
              id,
              (job) =>
                `This job was stopped: its progress could not be saved for ${Math.round(giveUpAfterMs / 1000)} s; it had reached ${job.percent}%.`,
            )
          }
        })()
      }, delay)
      runningHere.set(id, cancel)
    }
    attempt(Math.max(0, startedAt + step.atMs - now()))
  }

  return {
    ready,

    async create(owner, input) {
      await ready
      const t = now()
      const { job } = newJob(input, t, options.defaultDurationMs)
      const { id, durationMs } = job
      // Before the insert: a sweep that reads the new row must already see it runs here.
      runningHere.set(id, () => {})
      const inserted = await store.insert(job, owner, limits).catch((error: unknown) => {
        runningHere.delete(id)
        throw error
      })
      if (inserted.kind === 'refused') {
        runningHere.delete(id)
        const soonest = Math.min(
          ...(await store.running(owner)).map((j) => j.createdAt + j.durationMs - now()),
        )
        throw new JobLimitError(
          inserted.scope,
          inserted.scope === 'user' ? limits.perUser : limits.total,
          Number.isFinite(soonest) ? Math.max(1000, soonest) : TOTAL_RETRY_MS,
        )
      }
      run(id, planSteps(durationMs, random), 0, t, input.simulateFailure ? 'publishing' : undefined)
      return job
    },

    get: async (id, owner) => ownedBy(await store.read(id), owner)?.job,
    list: (owner) => store.list(owner),

    async cancel(id, owner) {
      if (!ownedBy(await store.read(id), owner)) return undefined
      const outcome = await store.transition(
        id,
        ending('cancelled', 'Cancelled by the user.', 'Cancelled', now),
      )
      return outcome.kind === 'missing' ? undefined : outcome.job
    },

    lastEvent: async (id, owner) => ownedBy(await store.read(id), owner)?.last,

    subscribe(id, listener) {
      let set = watchers.get(id)
      if (!set) watchers.set(id, (set = new Set()))
      const watcher: Watcher = { listener, seen: 0 }
      set.add(watcher)
      return () => {
        const current = watchers.get(id)
        current?.delete(watcher)
        if (current?.size === 0) watchers.delete(id)
      }
    },

    listenerCount: () => [...watchers.values()].reduce((n, s) => n + s.size, 0),

    async stop(reason) {
      if (stopped) return
      stopped = true
      await store.stop(async () => {
        const mine = [...runningHere.keys()]
        for (const cancel of runningHere.values()) cancel()
        runningHere.clear()
        // Ended now, with the reason, rather than left for a sweep to find in a few seconds.
        if (store.shared) {
          await Promise.allSettled(
            mine.map((id) => store.transition(id, ending('failed', reason, 'Interrupted', now))),
          )
        }
      })
      watchers.clear()
    },
  }
}
