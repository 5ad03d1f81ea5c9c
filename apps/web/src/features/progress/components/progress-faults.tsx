'use client'

import { useTranslations } from 'next-intl'
import { useCallback, useEffect, useMemo, useRef } from 'react'
import { FaultPanel, useFaultTimeline, type FaultOption } from '@/shared/ui/fault-panel'
import type { JobStreamState } from '../hooks/use-job-progress'

/**
 * Job progress's "Break it" panel: faults the stream of the newest running job and narrates
 * what EventSource does about it.
 */
export function ProgressFaults({ target }: { target: JobStreamState | null }) {
  const t = useTranslations('progress.faults')
  const faults = useMemo<FaultOption[]>(
    () => [
      {
        kind: 'drop',
        label: t('drop.label'),
        steps: [
          t('drop.steps.cut'),
          t('drop.steps.reconnect'),
          t('drop.steps.state'),
          t('drop.steps.forward'),
        ],
      },
      {
        kind: 'stall',
        label: t('stall.label'),
        steps: [t('stall.steps.silent'), t('stall.steps.freeze'), t('stall.steps.catchUp')],
      },
      {
        kind: 'restart',
        label: t('restart.label'),
        steps: [t('restart.steps.end'), t('restart.steps.reconnect'), t('restart.steps.resume')],
      },
    ],
    [t],
  )
  const { entries, note } = useFaultTimeline()
  const seen = useRef<JobStreamState | null>(null)
  const lastChangeAt = useRef(0)
  const stallUntil = useRef<number | null>(null)

  useEffect(() => {
    const before = seen.current
    seen.current = target
    if (!target || !before || before.job.id !== target.job.id) return
    const now = Date.now()
    if (before.status === 'open' && target.status !== 'open' && target.job.status === 'running')
      note(t('timeline.ended'))
    if (target.connection > before.connection && before.connection > 0)
      note(
        t('timeline.reconnected', {
          connection: String(target.connection),
          lastEventId: before.lastEventId ?? '—',
        }),
      )
    else if (
      target.lastEventId !== before.lastEventId &&
      stallUntil.current !== null &&
      now >= stallUntil.current
    ) {
      stallUntil.current = null
      note(t('timeline.flowing', { seconds: ((now - lastChangeAt.current) / 1000).toFixed(1) }))
    }
    if (target.lastEventId !== before.lastEventId) lastChangeAt.current = now
    if (target.job.status !== 'running' && before.job.status === 'running')
      note(t('timeline.jobEnded', { status: target.job.status }))
  }, [target, note, t])

  const signIn = useCallback(async () => {
    await fetch('/api/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Guest' }),
    })
  }, [])

  const running = target?.job.status === 'running'
  return (
    <FaultPanel
      baseUrl=""
      transport="sse"
      connectionId={running && target.status === 'open' ? target.streamName : null}
      unavailable={
        running
          ? target.status === 'open'
            ? t('target', { job: target.job.name })
            : t('waiting')
          : t('noJob')
      }
      intro={t('intro')}
      faults={faults}
      observations={[
        { label: t('observe.job'), value: target?.job.name ?? '—', testId: 'fault-job' },
        {
          label: t('observe.connection'),
          value: `#${target?.connection || 1}`,
          testId: 'fault-connection',
        },
        {
          label: t('observe.lastEventId'),
          value: target?.lastEventId ?? '—',
          testId: 'fault-last-id',
        },
        {
          label: t('observe.progress'),
          value: `${Math.round(target?.job.percent ?? 0)}%`,
          testId: 'fault-percent',
        },
        {
          label: t('observe.wentBack'),
          value: String(target?.regressions ?? 0),
          testId: 'fault-regressions',
        },
      ]}
      timeline={entries}
      onRequest={(fault, stallMs) =>
        note(
          fault === 'stall'
            ? t('timeline.askedStall', { seconds: String(stallMs / 1000) })
            : fault === 'drop'
              ? t('timeline.askedDrop')
              : t('timeline.askedRestart'),
        )
      }
      onInjected={(accepted) => {
        if (accepted.fault === 'stall') stallUntil.current = Date.now() + accepted.durationMs / 2
      }}
      signIn={{ label: t('signIn'), run: signIn }}
    />
  )
}
