import type { Job } from '@duplex/protocol/jobs'
import { isTerminal, type JobEvent } from './job-model.ts'
import type { JobStore, JobStoreHooks } from './job-store.ts'

export interface MemoryJobStoreOptions {
  /** Ended jobs kept for the list before the oldest is forgotten. */
  retainEnded?: number
}

/** One process: jobs in a Map, events handed to the service as they happen, nothing shared. */
export function createMemoryJobStore(options: MemoryJobStoreOptions = {}): JobStore {
  const retainEnded = options.retainEnded ?? 100
  const jobs = new Map<string, { job: Job; last: JobEvent }>()
  let hooks: JobStoreHooks | undefined

  const forgetOldEnded = () => {
    const ended = [...jobs.values()].filter((e) => e.job.status !== 'running')
    for (const e of ended.slice(0, Math.max(0, ended.length - retainEnded))) jobs.delete(e.job.id)
  }

  // Every method does its work before its first await, so a step, a cancel and the events they
  // emit happen in the order they were called, as plain function calls would.
  return {
    shared: false,
    async open(next) {
      hooks = next
    },
    async insert(job, first) {
      jobs.set(job.id, { job, last: first })
    },
    read: async (id) => jobs.get(id),
    list: async () =>
      [...jobs.values()].map((e) => e.job).sort((a, b) => b.createdAt - a.createdAt),
    async transition(id, compute) {
      const entry = jobs.get(id)
      if (!entry) return { kind: 'missing' }
      const change = compute(entry.job)
      if (!change) return { kind: 'unchanged', job: entry.job }
      const event = { ...change.event, seq: entry.last.seq + 1 } as JobEvent
      entry.job = change.job
      entry.last = event
      hooks?.onEvent(id, event)
      if (isTerminal(event)) forgetOldEnded()
      return { kind: 'changed', job: change.job, event }
    },
    async stop(finish) {
      await finish()
    },
  }
}
