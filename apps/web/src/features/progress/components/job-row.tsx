'use client'

import { useEffect } from 'react'
import { useFormatter, useTranslations } from 'next-intl'
import type { WireFrame } from '@duplex/client'
import type { Job } from '@duplex/protocol/jobs'
import { ConnectionBadge } from '@/shared/ui/connection-badge'
import { useJobProgress, type JobStreamState } from '../hooks/use-job-progress'
import { jobMessageWords, jobReasonKey } from '../lib/job-words'

const STAGES = ['queued', 'uploading', 'transcoding', 'thumbnails', 'publishing'] as const

const STATUS_LOOK: Record<Job['status'], { bar: string; text: string }> = {
  running: { bar: 'bg-sse-500', text: 'text-sse-700 dark:text-sse-100' },
  done: { bar: 'bg-emerald-500', text: 'text-emerald-700 dark:text-emerald-300' },
  failed: { bar: 'bg-rose-500', text: 'text-rose-700 dark:text-rose-300' },
  cancelled: { bar: 'bg-slate-400', text: 'text-slate-600 dark:text-slate-300' },
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
  const t = useTranslations('progress')
  const format = useFormatter()
  const reasonText = (reason: string) => {
    const key = jobReasonKey(reason)
    return key ? t(`job.reasons.${key}`) : reason
  }
  const messageText = (message: string) => {
    const words = jobMessageWords(message)
    return words ? t(`job.messages.${words.key}`, words.values) : message
  }
  const streamState = useJobProgress(initial, onWire)
  const { job, status } = streamState

  useEffect(() => {
    onStreamState?.(streamState)
  }, [onStreamState, streamState])
  const look = STATUS_LOOK[job.status]
  const stageIndex = STAGES.findIndex((stage) => stage === job.stage)

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
      {/* On a phone the status and buttons go under the name, which keeps the whole width. */}
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center sm:gap-3">
        <h2 dir="auto" className="min-w-0 font-semibold [overflow-wrap:anywhere] sm:flex-1">
          {job.name}
        </h2>
        <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
          <span className={`text-sm font-semibold ${look.text}`} data-testid="job-status">
            {t(`job.statuses.${job.status}`)}
          </span>
          {job.status === 'running' && <ConnectionBadge status={status} />}
          {job.status === 'running' && (
            <button
              type="button"
              onClick={onCancel}
              className="rounded-md border border-slate-300 px-2.5 py-1 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
              aria-label={t('job.cancelLabel', { job: job.name })}
            >
              {t('job.cancel')}
            </button>
          )}
        </div>
      </div>
      <div className="mt-3 flex items-center gap-3">
        <div
          role="progressbar"
          aria-label={t('job.progress', { job: job.name })}
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
          {format.number(Math.round(job.percent) / 100, { style: 'percent' })}
        </span>
      </div>
      <ol className="mt-3 flex flex-wrap gap-1.5" aria-label={t('job.stagesLabel')}>
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
              {t(`job.stages.${stage}`)}
            </li>
          )
        })}
      </ol>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-300" data-testid="job-message">
        {job.reason !== null ? reasonText(job.reason) : messageText(job.message)}
      </p>
    </li>
  )
}
