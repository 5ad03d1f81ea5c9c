'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import type { WireFrame } from '@duplex/client'
import { useTranslations } from 'next-intl'
import type { ApiError } from '@duplex/protocol/errors'
import type { Job, JobList } from '@duplex/protocol/jobs'
import { RICH_TAGS } from '@/shared/ui/rich-text'
import { WirePanel } from '@/shared/ui/wire-panel'
import { useSession } from '@/shared/hooks/use-session'
import { useWireLog } from '@/shared/hooks/use-wire-log'
import type { JobStreamState } from '../hooks/use-job-progress'
import { JobRow } from './job-row'
import { ProgressFaults } from './progress-faults'
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
  const { refresh } = useSession()
  // Read through a ref: `refresh` changes with every answer, and must not reload the list.
  const refreshRef = useRef(refresh)
  refreshRef.current = refresh
  const [streams, setStreams] = useState<Record<string, JobStreamState>>({})
  const onStreamState = useCallback(
    (state: JobStreamState) => setStreams((all) => ({ ...all, [state.job.id]: state })),
    [],
  )
  // The panel breaks the newest running job's stream (the list is newest first); once none
  // runs, it keeps showing the newest one it followed live, so its figures stay readable.
  const followed = jobs?.map((j) => streams[j.id]) ?? []
  const faultTarget =
    followed.find((s) => s?.job.status === 'running') ??
    followed.find((s) => s !== undefined && s.connection > 0) ??
    null

  useEffect(() => {
    fetch('/api/jobs')
      .then((r) => {
        // The session ended (expired, signed out elsewhere): asking again shows the sign-in card.
        if (r.status === 401) void refreshRef.current()
        if (!r.ok) throw new Error(String(r.status))
        return r.json() as Promise<JobList>
      })
      .then((list) => {
        setJobs(list.jobs)
        setRunning(new Set(list.jobs.filter((j) => j.status === 'running').map((j) => j.id)))
      })
      .catch(() => setError(t('board.loadFailed')))
  }, [t])

  const start = async (input: {
    name?: string
    durationMs?: number
    simulateFailure?: boolean
  }) => {
    setError(null)
    const response = await fetch('/api/jobs', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      // A job started without a name gets one in the reader's language, not the server's English.
      body: JSON.stringify({
        ...input,
        name: input.name ?? t('form.defaultName', { n: (jobs?.length ?? 0) + 1 }),
      }),
    })
    if (response.status === 401) return void refresh()
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as ApiError | null
      setError(body?.error.message ?? t('board.answered', { status: response.status }))
      return
    }
    const job = (await response.json()) as Job
    setJobs((list) => [job, ...(list ?? [])])
    setRunning((set) => new Set(set).add(job.id))
  }

  const cancel = async (id: string) => {
    const response = await fetch(`/api/jobs/${id}`, { method: 'DELETE' })
    if (response.status === 401) return void refresh()
    if (!response.ok) setError(t('board.cancelFailed', { status: response.status }))
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
          disabledReason={t('form.full', { max: MAX_LIVE_JOBS })}
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
          <p className="p-6 text-center text-slate-500">{t('board.loading')}</p>
        ) : jobs.length === 0 ? (
          <p className="rounded-xl border border-dashed border-slate-300 p-10 text-center text-slate-500 dark:border-slate-700 dark:text-slate-400">
            {t('board.empty')}
          </p>
        ) : (
          <ul aria-label={t('board.jobs')} className="space-y-3">
            {jobs.map((job) => (
              <JobRow
                key={job.id}
                initial={job}
                onCancel={() => void cancel(job.id)}
                onEnded={onEnded}
                onWire={onWire}
                onStreamState={onStreamState}
              />
            ))}
          </ul>
        )}
        <ProgressFaults target={faultTarget} />
      </div>
      <WirePanel log={wire} description={t.rich('wire', RICH_TAGS)} />
    </div>
  )
}
