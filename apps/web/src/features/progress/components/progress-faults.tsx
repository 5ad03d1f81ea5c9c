'use client'

import { useCallback, useEffect, useRef } from 'react'
import { FaultPanel, useFaultTimeline, type FaultOption } from '@/shared/ui/fault-panel'
import type { JobStreamState } from '../hooks/use-job-progress'

const FAULTS: FaultOption[] = [
  {
    kind: 'drop',
    label: 'Drop it now',
    steps: [
      'The server cuts this job’s stream mid-response, as a lost network would.',
      'EventSource reconnects by itself, with Last-Event-ID: the seq of the last progress event.',
      'Progress is a state, not a log: the server answers with the job as it is now, then live.',
      'The bar carries on from where it is; it never goes backwards.',
    ],
  },
  {
    kind: 'stall',
    label: 'Stall it for 10 s',
    steps: [
      'The server stops writing to this stream; the socket stays open and the job keeps running.',
      'The bar freezes while the job moves on, on the server.',
      'After 10 s the held-back events arrive in order and the bar catches up.',
    ],
  },
  {
    kind: 'restart',
    label: 'Server restart',
    steps: [
      'The server ends the stream as on SIGTERM: a retry: hint, then the end of the response.',
      'EventSource waits the hinted delay and reconnects with Last-Event-ID.',
      'The job survived (a restarted cluster instance would hand it over); the bar resumes.',
    ],
  },
]

/**
 * Job progress's "Break it" panel: faults the stream of the newest running job and narrates
 * what EventSource does about it.
 */
export function ProgressFaults({ target }: { target: JobStreamState | null }) {
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
      note('The stream ended: EventSource is reconnecting on its own.')
    if (target.connection > before.connection && before.connection > 0)
      note(
        `Connection #${target.connection} is open (sent Last-Event-ID ${before.lastEventId ?? '—'}); the job’s current state came first, then live progress.`,
      )
    else if (
      target.lastEventId !== before.lastEventId &&
      stallUntil.current !== null &&
      now >= stallUntil.current
    ) {
      stallUntil.current = null
      note(
        `Events flow again after ${((now - lastChangeAt.current) / 1000).toFixed(1)} s of silence, in order; the bar catches up.`,
      )
    }
    if (target.lastEventId !== before.lastEventId) lastChangeAt.current = now
    if (target.job.status !== 'running' && before.job.status === 'running')
      note(`The job ended (${target.job.status}); its stream closed for good.`)
  }, [target, note])

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
            ? `Faults go to the stream of “${target.job.name}”.`
            : 'Waiting for the stream to open.'
          : 'Start a job: faults go to the stream of the newest running one. (Signed out? A job started before signing in is not yours to break: start another.)'
      }
      intro="Break the event stream of your newest running job, on the server side, and watch EventSource recover. The job itself keeps running."
      faults={FAULTS}
      observations={[
        { label: 'Job', value: target?.job.name ?? '—', testId: 'fault-job' },
        { label: 'Connection', value: `#${target?.connection || 1}`, testId: 'fault-connection' },
        { label: 'Last-Event-ID', value: target?.lastEventId ?? '—', testId: 'fault-last-id' },
        {
          label: 'Progress',
          value: `${Math.round(target?.job.percent ?? 0)}%`,
          testId: 'fault-percent',
        },
        {
          label: 'Went back',
          value: String(target?.regressions ?? 0),
          testId: 'fault-regressions',
        },
      ]}
      timeline={entries}
      onRequest={(fault, stallMs) =>
        note(
          fault === 'stall'
            ? `Asked the server to stop writing for ${stallMs / 1000} s.`
            : fault === 'drop'
              ? 'Asked the server to cut the stream.'
              : 'Asked the server to end the stream as on a restart.',
        )
      }
      onInjected={(accepted) => {
        if (accepted.fault === 'stall') stallUntil.current = Date.now() + accepted.durationMs / 2
      }}
      signIn={{ label: 'Continue as Guest, then start a job', run: signIn }}
    />
  )
}
