'use client'

import { useTranslations } from 'next-intl'
import { useEffect, useMemo, useRef } from 'react'
import { useRealtimeUrl } from '@/shared/hooks/use-realtime-url'
import { FaultPanel, useFaultTimeline, type FaultOption } from '@/shared/ui/fault-panel'
import { useRealtimeSocket } from '../hooks/use-realtime-socket'
import type { OutgoingMessage } from '../lib/chat-state'
import { createDrainWatch } from '../lib/drain-watch'

/** The chat's "Break it" panel: faults this tab's own Socket.IO connection. */
export function ChatFaults({ outbox: messages }: { outbox: readonly OutgoingMessage[] }) {
  const outbox = messages.length
  const t = useTranslations('chat.faults')
  const faults = useMemo<FaultOption[]>(
    () => [
      {
        kind: 'drop',
        label: t('drop.label'),
        steps: [
          t('drop.steps.close'),
          t('drop.steps.queue'),
          t('drop.steps.reconnect'),
          t('drop.steps.recover'),
          t('drop.steps.drain'),
        ],
      },
      {
        kind: 'stall',
        label: t('stall.label'),
        steps: [t('stall.steps.silent'), t('stall.steps.sending'), t('stall.steps.drain')],
      },
    ],
    [t],
  )
  const baseUrl = useRealtimeUrl()
  const { connection, state } = useRealtimeSocket()
  const { entries, note } = useFaultTimeline()
  const seen = useRef({ status: state.status, connects: state.connects })
  const drain = useRef(createDrainWatch())

  useEffect(() => {
    const before = seen.current
    seen.current = { status: state.status, connects: state.connects }
    if (before.status === 'open' && state.status !== 'open') {
      // Socket.IO's disconnect reasons are codes ("transport close"): say them in the reader's words.
      const code = state.lastError?.replaceAll(' ', '_') as 'transport_close' | undefined
      const reason =
        code === undefined
          ? t('timeline.transportLost')
          : t.has(`timeline.reasons.${code}`)
            ? t(`timeline.reasons.${code}`)
            : (state.lastError ?? '')
      note(t(state.ended ? 'timeline.sessionEnded' : 'timeline.disconnected', { reason }))
    }
    if (state.connects > before.connects && before.connects > 0)
      note(state.recovered ? t('timeline.recovered') : t('timeline.notRecovered'))
  }, [state.status, state.connects, state.recovered, state.lastError, state.ended, note, t])

  useEffect(() => {
    if (drain.current.update(messages)) note(t('timeline.drained'))
  }, [messages, note, t])

  const socketId = state.status === 'open' ? (connection?.socket.id ?? null) : null
  return (
    <FaultPanel
      baseUrl={baseUrl}
      transport="socketio"
      connectionId={socketId}
      unavailable={state.status === 'open' ? undefined : t('waiting')}
      intro={t('intro')}
      faults={faults}
      observations={[
        { label: t('observe.connects'), value: String(state.connects), testId: 'fault-connects' },
        {
          label: t('observe.recovered'),
          value: state.recovered ? t('observe.yes') : t('observe.no'),
          testId: 'fault-recovered',
        },
        { label: t('observe.outbox'), value: String(outbox), testId: 'fault-outbox' },
        {
          label: t('observe.socketId'),
          value: socketId?.slice(0, 8) ?? '—',
          testId: 'fault-socket-id',
        },
      ]}
      timeline={entries}
      onRequest={(fault, stallMs) =>
        note(
          fault === 'stall'
            ? t('timeline.askedStall', { seconds: String(stallMs / 1000) })
            : t('timeline.askedDrop'),
        )
      }
    />
  )
}
