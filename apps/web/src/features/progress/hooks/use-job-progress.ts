'use client'

import { useState } from 'react'
import { useEventStream } from '@duplex/client/react'
import type { WireFrame } from '@duplex/client'
import { JOB_TERMINAL_EVENTS, JobEvents, type Job } from '@duplex/protocol/jobs'

/**
 * Follows one job over `GET /api/jobs/:id/events` and returns the job as it is now. The stream
 * closes itself on the terminal event, so a finished job never makes the browser reconnect.
 */
export function useJobProgress(initial: Job, onWire?: (frame: WireFrame) => void) {
  const [job, setJob] = useState(initial)
  const live = initial.status === 'running'
  const stream = useEventStream({
    key: `job:${initial.id}`,
    enabled: live,
    url: `/api/jobs/${initial.id}/events`,
    events: JobEvents,
    terminalEvents: JOB_TERMINAL_EVENTS,
    onWire,
    handlers: {
      progress: (p) =>
        setJob((j) => ({
          ...j,
          percent: p.percent,
          stage: p.stage,
          message: p.message,
          updatedAt: p.ts,
        })),
      done: ({ job: ended }) => setJob(ended),
      failed: ({ job: ended }) => setJob(ended),
      cancelled: ({ job: ended }) => setJob(ended),
    },
  })
  return { job, status: live ? stream.status : ('closed' as const) }
}
