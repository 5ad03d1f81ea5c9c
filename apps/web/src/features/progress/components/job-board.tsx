'use client'

import { useCallback, useEffect, useState } from 'react'
import type { WireFrame } from '@duplex/client'
import { useTranslations } from 'next-intl'
import type { ApiError } from '@duplex/protocol/errors'
import type { Job, JobList } from '@duplex/protocol/jobs'
import { RICH_TAGS } from '@/shared/ui/rich-text'
import { WirePanel } from '@/shared/ui/wire-panel'
import { useWireLog } from '@/shared/hooks/use-wire-log'
import { JobRow } from './job-row'
import { StartJobForm } from './start-job-form'

/**
 * Browsers open at most six HTTP/1.1 connections per origin, and every EventSource holds one for
 * as long as it lives. Past a handful of streams the page itself would stall (the guide's
 * "limited by HTTP connections"), so it follows at most this many jobs live at once.
 */
const MAX_LIVE_JOBS = 4

export function JobBoard() {
  const t = useTranslations('progress')
  const [jobs, setJobs] = useState<Job[] | null>(null)
  const [running, setRunning] = useState<Set<string>>(new Set())
  const [error, setError] = useState<string | null>(null)
  const wire = useWireLog(300)

  useEffect(() => {
    fetch('/api/jobs')
      .then((r) => r.json() as Promise<JobList>)
      .then((list) => {
        setJobs(list.jobs)
        setRunning(new Set(list.jobs.filter((j) => j.status === 'running').map((j) => j.id)))
      })
      .catch(() => setError('Could not load the jobs.'))
  }, [])

  const start = async (input: {
    name?: string
    durationMs?: number
    simulateFailure?: boolean
  }) => {
    setError(null)
    const response = await fetch('/api/jobs', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(input),
    })
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as ApiError | null
      setError(body?.error.message ?? `The server answered ${response.status}.`)
      return
    }
    const job = (await response.json()) as Job
    setJobs((list) => [job, ...(list ?? [])])
    setRunning((set) => new Set(set).add(job.id))
  }

  const cancel = async (id: string) => {
    const response = await fetch(`/api/jobs/${id}`, { method: 'DELETE' })
    if (!response.ok) setError(`Could not cancel the job (${response.status}).`)
  }

  const onEnded = useCallback((id: string) => {
    setRunning((set) => {
      if (!set.has(id)) return set
      const next = new Set(set)
      next.delete(id)
      return next
    })
  }, [])

  const { push } = wire
  const onWire = useCallback(
    (frame: WireFrame) =>
      push({
        at: frame.at,
        direction: 'in',
        kind: frame.kind === 'event' ? (frame.event ?? 'message') : frame.kind,
        event: frame.event,
        id: frame.id,
        text: frame.text,
        bytes: frame.bytes,
        connection: frame.connection,
      }),
    [push],
  )

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
      <div className="min-w-0 space-y-4">
        <StartJobForm
          onStart={start}
          disabled={running.size >= MAX_LIVE_JOBS}
          disabledReason={`${MAX_LIVE_JOBS} jobs are running: each holds one of the browser's six connections to this origin. Wait for one to finish.`}
        />
        {error && (
          <p
            role="alert"
            className="rounded-lg border border-rose-300 bg-rose-50 px-4 py-2 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100"
          >
            {error}
          </p>
        )}
        {jobs === null ? (
          <p className="p-6 text-center text-slate-500">Loading jobs…</p>
        ) : jobs.length === 0 ? (
          <p className="rounded-xl border border-dashed border-slate-300 p-10 text-center text-slate-500 dark:border-slate-700 dark:text-slate-400">
            No jobs yet. Start one above.
          </p>
        ) : (
          <ul aria-label="Jobs" className="space-y-3">
            {jobs.map((job) => (
              <JobRow
                key={job.id}
                initial={job}
                onCancel={() => void cancel(job.id)}
                onEnded={onEnded}
                onWire={onWire}
              />
            ))}
          </ul>
        )}
      </div>
      <WirePanel log={wire} description={t.rich('wire', RICH_TAGS)} />
    </div>
  )
}
