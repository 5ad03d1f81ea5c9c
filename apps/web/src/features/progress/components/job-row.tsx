'use client'

import { useEffect } from 'react'
import type { WireFrame } from '@duplex/client'
import type { Job } from '@duplex/protocol/jobs'
import { ConnectionBadge } from '@/shared/ui/connection-badge'
import { useJobProgress, type JobStreamState } from '../hooks/use-job-progress'

const STAGES = ['queued', 'uploading', 'transcoding', 'thumbnails', 'publishing']

const STATUS_LOOK: Record<Job['status'], { label: string; bar: string; text: string }> = {
  running: { label: 'Running', bar: 'bg-sse-500', text: 'text-sse-700 dark:text-sse-100' },
  done: { label: 'Done', bar: 'bg-emerald-500', text: 'text-emerald-700 dark:text-emerald-300' },
  failed: { label: 'Failed', bar: 'bg-rose-500', text: 'text-rose-700 dark:text-rose-300' },
  cancelled: {
    label: 'Cancelled',
    bar: 'bg-slate-400',
    text: 'text-slate-600 dark:text-slate-300',
  },
}

export function JobRow({
  initial,
  onCancel,
  onEnded,
  onWire,
  onStreamState,
}: {
  initial: Job
  onCancel: () => void
  onEnded: (id: string) => void
  onWire: (frame: WireFrame) => void
  /** Every change of the row's stream, for the "Break it" panel. */
  onStreamState?: (state: JobStreamState) => void
}) {
  const streamState = useJobProgress(initial, onWire)
  const { job, status } = streamState

  useEffect(() => {
    onStreamState?.(streamState)
  }, [onStreamState, streamState])
  const look = STATUS_LOOK[job.status]
  const stageIndex = STAGES.indexOf(job.stage)

  useEffect(() => {
    if (job.status !== 'running') onEnded(job.id)
  }, [job.status, job.id, onEnded])

  return (
    <li
      data-testid="job"
      data-job-id={job.id}
      data-status={job.status}
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <h2 className="min-w-0 flex-1 truncate font-semibold">{job.name}</h2>
        <span className={`text-sm font-semibold ${look.text}`} data-testid="job-status">
          {look.label}
        </span>
        {job.status === 'running' && <ConnectionBadge status={status} />}
        {job.status === 'running' && (
          <button
            type="button"
            onClick={onCancel}
            className="rounded-md border border-slate-300 px-2.5 py-1 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            aria-label={`Cancel ${job.name}`}
          >
            Cancel
          </button>
        )}
      </div>
      <div className="mt-3 flex items-center gap-3">
        <div
          role="progressbar"
          aria-label={`${job.name} progress`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={job.percent}
          className="h-3 flex-1 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800"
        >
          <div
            className={`h-full rounded-full transition-[width] duration-300 ease-out ${look.bar}`}
            style={{ width: `${job.percent}%` }}
          />
        </div>
        <span
          className="w-12 text-right font-mono text-sm font-semibold tabular-nums"
          data-testid="job-percent"
        >
          {Math.round(job.percent)}%
        </span>
      </div>
      <ol className="mt-3 flex flex-wrap gap-1.5" aria-label="Stages">
        {STAGES.map((stage, i) => {
          const state =
            job.status === 'done' || i < stageIndex
              ? 'past'
              : i === stageIndex
                ? 'current'
                : 'future'
          return (
            <li
              key={stage}
              aria-current={state === 'current' ? 'step' : undefined}
              className={`rounded-full px-2 py-0.5 text-xs font-medium ${
                state === 'past'
                  ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200'
                  : state === 'current'
                    ? 'bg-sse-100 text-sse-700 ring-1 ring-sse-500/40 dark:bg-sse-700/40 dark:text-sse-50'
                    : 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300'
              }`}
            >
              {stage}
            </li>
          )
        })}
      </ol>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-300" data-testid="job-message">
        {job.reason ?? job.message}
      </p>
    </li>
  )
}
