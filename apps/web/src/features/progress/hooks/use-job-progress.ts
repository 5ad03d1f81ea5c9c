'use client'

import { useMemo, useState } from 'react'
import { useEventStream } from '@duplex/client/react'
import type { StreamStatus, WireFrame } from '@duplex/client'
import { FaultConnectionParam } from '@duplex/protocol/faults'
import { JOB_TERMINAL_EVENTS, JobEvents, type Job } from '@duplex/protocol/jobs'

/** What the "Break it" panel reads off one job's stream. */
export interface JobStreamState {
  job: Job
  status: StreamStatus
  /** The name this page gave the stream (`?stream=`), so a fault request can name it. */
  streamName: string
  lastEventId: string | undefined
  /** Number of the connection the last frame came on (1 for the first). */
  connection: number
  /** Progress events whose percent was lower than the one before: a resumed stream has none. */
  regressions: number
}

/** Short, URL-safe and unique enough among one page's streams; no secure context needed. */
function newStreamName(): string {
  return `job-${Math.random().toString(36).slice(2, 12)}`
}

/**
 * Follows one job over `GET /api/jobs/:id/events` and returns the job as it is now. The stream
 * closes itself on the terminal event, so a finished job never makes the browser reconnect.
 */
export function useJobProgress(initial: Job, onWire?: (frame: WireFrame) => void): JobStreamState {
  const [job, setJob] = useState(initial)
  const [streamName] = useState(newStreamName)
  const [connection, setConnection] = useState(0)
  const [regressions, setRegressions] = useState(0)
  const live = initial.status === 'running'
  const stream = useEventStream({
    key: `job:${initial.id}`,
    enabled: live,
    url: `/api/jobs/${initial.id}/events?${FaultConnectionParam.sse}=${streamName}`,
    events: JobEvents,
    terminalEvents: JOB_TERMINAL_EVENTS,
    onWire: (frame) => {
      setConnection(frame.connection)
      onWire?.(frame)
    },
    handlers: {
      progress: (p) =>
        setJob((j) => {
          if (p.percent < j.percent) setRegressions((n) => n + 1)
          return {
            ...j,
            percent: p.percent,
            stage: p.stage,
            message: p.message,
            updatedAt: p.ts,
          }
        }),
      done: ({ job: ended }) => setJob(ended),
      failed: ({ job: ended }) => setJob(ended),
      cancelled: ({ job: ended }) => setJob(ended),
    },
  })
  const status = live ? stream.status : ('closed' as const)
  const { lastEventId } = stream
  // One object per change, not per render: the row hands it up to the board's state.
  return useMemo(
    () => ({ job, status, streamName, lastEventId, connection, regressions }),
    [job, status, streamName, lastEventId, connection, regressions],
  )
}
