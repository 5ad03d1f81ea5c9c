'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import type { StreamStatus } from '@duplex/client'
import type { TickerHello } from '@duplex/protocol/ticker'
import { FaultPanel, useFaultTimeline, type FaultOption } from '@/shared/ui/fault-panel'

const FAULTS: FaultOption[] = [
  {
    kind: 'drop',
    label: 'Drop it now',
    steps: [
      'The server cuts the response mid-stream, as a lost network would.',
      'EventSource sees an error and reconnects by itself after the retry: delay.',
      'Its request carries Last-Event-ID; the server replays the ticks you missed from its buffer.',
      'Gaps and duplicates stay at 0: every symbol’s seq still goes up by one.',
    ],
  },
  {
    kind: 'stall',
    label: 'Stall it for 10 s',
    steps: [
      'The server stops writing, heartbeats included; the socket stays open.',
      'Prices freeze. EventSource cannot tell a quiet server from a stuck one, so it waits.',
      'After 10 s the held-back ticks arrive in one burst, in order: late, not lost.',
    ],
  },
  {
    kind: 'restart',
    label: 'Server restart',
    steps: [
      'The server ends your stream as it does on SIGTERM: a retry: hint, a closing event, the end.',
      'EventSource waits the hinted delay and reconnects with Last-Event-ID.',
      'A restarted server would replay from the log; here the same buffer does: gaps stay at 0.',
    ],
  },
]

export interface TickerFaultState {
  hello: TickerHello | null
  status: StreamStatus
  lastEventId: string | undefined
  gaps: number
  duplicates: number
  /** Number of the connection the last frame came on (1 for the first). */
  connection: number
  /** When the last frame arrived. */
  lastFrameAt: number
  /** The last `closing` event, if any. */
  closing: { message: string; at: number } | null
  /** Opens a new stream at once (after signing in, so it belongs to the session). */
  reconnect(): void
}

/**
 * The ticker's "Break it" panel: faults its own stream and narrates the recovery from what the
 * dashboard reads off the wire.
 */
export function TickerFaults(state: TickerFaultState) {
  const { entries, note } = useFaultTimeline()
  const [resumes, setResumes] = useState(0)
  const seen = useRef({ status: state.status, connection: state.connection, hello: state.hello })
  const previousFrameAt = useRef(state.lastFrameAt)
  const stallUntil = useRef<number | null>(null)

  useEffect(() => {
    const before = seen.current
    seen.current = { status: state.status, connection: state.connection, hello: state.hello }
    if (before.status === 'open' && state.status !== 'open')
      note('The stream ended: EventSource is reconnecting on its own.')
    if (state.hello && state.hello !== before.hello && before.hello !== null) {
      if (state.hello.resume === 'resumed') setResumes((n) => n + 1)
      note(
        state.hello.resume === 'resumed'
          ? `Connection #${state.connection} is open and resumed from Last-Event-ID: the missed ticks were replayed.`
          : `Connection #${state.connection} is open (${state.hello.resume}).`,
      )
    }
  }, [state.status, state.connection, state.hello, note])

  useEffect(() => {
    const silence = state.lastFrameAt - previousFrameAt.current
    previousFrameAt.current = state.lastFrameAt
    // Frames already on their way when the stall began still arrive; the first one past half the
    // stall is the one the server held back.
    if (stallUntil.current !== null && state.lastFrameAt >= stallUntil.current) {
      stallUntil.current = null
      note(
        `Frames flow again after ${(silence / 1000).toFixed(1)} s of silence; the held-back ticks arrived in order.`,
      )
    }
  }, [state.lastFrameAt, note])

  useEffect(() => {
    if (state.closing) note(`The server said goodbye: “${state.closing.message}”`)
  }, [state.closing, note])

  const signIn = useCallback(async () => {
    await fetch('/api/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Guest' }),
    })
    // The open stream was opened before the session existed; the next one belongs to it.
    state.reconnect()
  }, [state])

  return (
    <FaultPanel
      baseUrl=""
      transport="sse"
      connectionId={state.status === 'open' ? (state.hello?.connectionId ?? null) : null}
      unavailable={
        state.status === 'open' ? undefined : 'Waiting for the stream to open (add a symbol).'
      }
      intro="Break your own stream, on the server side, and watch EventSource recover. Other tabs are not affected."
      faults={FAULTS}
      observations={[
        { label: 'Connection', value: `#${state.connection || 1}`, testId: 'fault-connection' },
        { label: 'Resumed', value: String(resumes), testId: 'fault-resumes' },
        { label: 'Last-Event-ID', value: state.lastEventId ?? '—', testId: 'fault-last-id' },
        { label: 'Gaps', value: String(state.gaps), testId: 'fault-gaps' },
        { label: 'Duplicates', value: String(state.duplicates), testId: 'fault-duplicates' },
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
      signIn={{ label: 'Continue as Guest', run: signIn }}
    />
  )
}
