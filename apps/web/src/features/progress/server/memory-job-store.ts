import { eventOf, isTerminal } from './job-model.ts'
import type { JobStore, JobStoreHooks, StoredJob } from './job-store.ts'

export interface MemoryJobStoreOptions {
  /** Ended jobs kept per user for the list before the oldest is forgotten. */
  retainEndedPerUser?: number
  /** Ended jobs kept in all, whoever they belong to, so many users cannot grow memory either. */
  retainEndedTotal?: number
}

/** One process: jobs in a Map, events handed to the service as they happen, nothing shared. */
export function createMemoryJobStore(options: MemoryJobStoreOptions = {}): JobStore {
  const retainPerUser = options.retainEndedPerUser ?? 50
  const retainTotal = options.retainEndedTotal ?? 2000
  // Insertion order is creation order, which is what "oldest" means below.
  const jobs = new Map<string, StoredJob>()
  let hooks: JobStoreHooks | undefined

  const forgetOldEnded = (owner: string) => {
    const ended = [...jobs.values()].filter((e) => e.job.status !== 'running')
    const mine = ended.filter((e) => e.owner === owner)
    for (const e of mine.slice(0, Math.max(0, mine.length - retainPerUser))) jobs.delete(e.job.id)
    const left = ended.filter((e) => jobs.has(e.job.id))
    for (const e of left.slice(0, Math.max(0, left.length - retainTotal))) jobs.delete(e.job.id)
  }

  const runningOf = (owner: string) =>
    [...jobs.values()].filter((e) => e.owner === owner && e.job.status === 'running')

  // Every method does its work before its first await, so a step, a cancel and the events they
  // emit happen in the order they were called, as plain function calls would; and the running
  // count an insert checks is the one it inserts into.
  return {
    shared: false,
    async open(next) {
      hooks = next
    },
    async insert(job, owner, limits) {
      if (runningOf(owner).length >= limits.perUser) return { kind: 'refused', scope: 'user' }
      let total = 0
      for (const e of jobs.values()) if (e.job.status === 'running') total++
      if (total >= limits.total) return { kind: 'refused', scope: 'total' }
      jobs.set(job.id, { job, last: eventOf(job, 1), owner })
      return { kind: 'inserted' }
    },
    read: async (id) => jobs.get(id),
    list: async (owner) =>
      [...jobs.values()]
        .filter((e) => e.owner === owner)
        .map((e) => e.job)
        .sort((a, b) => b.createdAt - a.createdAt),
    running: async (owner) => runningOf(owner).map((e) => e.job),
    async transition(id, compute) {
      const entry = jobs.get(id)
      if (!entry) return { kind: 'missing' }
      const next = compute(entry.job)
      if (!next) return { kind: 'unchanged', job: entry.job }
      const event = eventOf(next, entry.last.seq + 1)
      entry.job = next
      entry.last = event
      hooks?.onEvent(id, event)
      if (isTerminal(event)) forgetOldEnded(entry.owner)
      return { kind: 'changed', job: next, event }
    },
    async stop(finish) {
      await finish()
    },
  }
}
