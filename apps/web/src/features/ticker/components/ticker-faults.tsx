'use client'

import { useTranslations } from 'next-intl'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { StreamStatus } from '@duplex/client'
import type { TickerHello } from '@duplex/protocol/ticker'
import { FaultPanel, useFaultTimeline, type FaultOption } from '@/shared/ui/fault-panel'

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
  /** The watchlist is empty, so the page closed the stream on purpose: nothing reconnects. */
  emptied: boolean
  /** Opens a new stream at once (after signing in, so it belongs to the session). */
  reconnect(): void
}

/**
 * The ticker's "Break it" panel: faults its own stream and narrates the recovery from what the
 * dashboard reads off the wire.
 */
export function TickerFaults(state: TickerFaultState) {
  const t = useTranslations('ticker.faults')
  const faults = useMemo<FaultOption[]>(
    () => [
      {
        kind: 'drop',
        label: t('drop.label'),
        steps: [
          t('drop.steps.cut'),
          t('drop.steps.reconnect'),
          t('drop.steps.replay'),
          t('drop.steps.intact'),
        ],
      },
      {
        kind: 'stall',
        label: t('stall.label'),
        steps: [t('stall.steps.silent'), t('stall.steps.freeze'), t('stall.steps.burst')],
      },
      {
        kind: 'restart',
        label: t('restart.label'),
        steps: [t('restart.steps.end'), t('restart.steps.reconnect'), t('restart.steps.replay')],
      },
    ],
    [t],
  )
  const { entries, note } = useFaultTimeline()
  const [resumes, setResumes] = useState(0)
  const seen = useRef({ status: state.status, connection: state.connection, hello: state.hello })
  const previousFrameAt = useRef(state.lastFrameAt)
  const stallUntil = useRef<number | null>(null)

  useEffect(() => {
    const before = seen.current
    seen.current = { status: state.status, connection: state.connection, hello: state.hello }
    if (before.status === 'open' && state.status !== 'open')
      note(state.emptied ? t('timeline.emptied') : t('timeline.ended'))
    if (state.hello && state.hello !== before.hello && before.hello !== null) {
      if (state.hello.resume === 'resumed') setResumes((n) => n + 1)
      note(
        state.hello.resume === 'resumed'
          ? t('timeline.resumed', { connection: String(state.connection) })
          : t('timeline.opened', {
              connection: String(state.connection),
              resume: state.hello.resume,
            }),
      )
    }
  }, [state.status, state.connection, state.hello, state.emptied, note, t])

  useEffect(() => {
    const silence = state.lastFrameAt - previousFrameAt.current
    previousFrameAt.current = state.lastFrameAt
    // Frames already on their way when the stall began still arrive; the first one past half the
    // stall is the one the server held back.
    if (stallUntil.current !== null && state.lastFrameAt >= stallUntil.current) {
      stallUntil.current = null
      note(t('timeline.flowing', { seconds: (silence / 1000).toFixed(1) }))
    }
  }, [state.lastFrameAt, note, t])

  useEffect(() => {
    if (state.closing) note(t('timeline.goodbye', { message: state.closing.message }))
  }, [state.closing, note, t])

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
      unavailable={state.status === 'open' ? undefined : t('waiting')}
      intro={t('intro')}
      faults={faults}
      observations={[
        {
          label: t('observe.connection'),
          value: `#${state.connection || 1}`,
          testId: 'fault-connection',
        },
        { label: t('observe.resumed'), value: String(resumes), testId: 'fault-resumes' },
        {
          label: t('observe.lastEventId'),
          value: state.lastEventId ?? '—',
          testId: 'fault-last-id',
        },
        { label: t('observe.gaps'), value: String(state.gaps), testId: 'fault-gaps' },
        {
          label: t('observe.duplicates'),
          value: String(state.duplicates),
          testId: 'fault-duplicates',
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
