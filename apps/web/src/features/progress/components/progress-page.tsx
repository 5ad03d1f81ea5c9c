import type { Metadata } from 'next'
import { DemoHeader } from '@/shared/ui/demo-header'
import { RealtimeBoundary } from '@/shared/ui/session/realtime-boundary'
import { SessionGate } from '@/shared/ui/session/session-gate'
import { JobBoard } from './job-board'

export const progressMetadata: Metadata = { title: 'Job progress over SSE' }

export function ProgressPage() {
  return (
    <>
      <DemoHeader
        transport="sse"
        title="Job progress"
        lede="Start a few long-running jobs and watch each one over its own event stream. Jobs run on the server whether you watch or not: reload the page and every bar comes back at its true state. A finished stream ends for good — no reconnect loop."
        why={[
          'Progress only ever flows server → browser.',
          'Plain HTTP: passes proxies and firewalls.',
          'A 204 tells EventSource to stop for good.',
        ]}
      />
      {/* Streams and jobs belong to a user: the same sign-in as chat, the same httpOnly cookie. */}
      <RealtimeBoundary>
        <SessionGate purpose="start jobs">
          <JobBoard />
        </SessionGate>
      </RealtimeBoundary>
    </>
  )
}
