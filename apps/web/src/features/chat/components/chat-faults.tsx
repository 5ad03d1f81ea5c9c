'use client'

import { useEffect, useRef } from 'react'
import { useRealtimeUrl } from '@/shared/hooks/use-realtime-url'
import { FaultPanel, useFaultTimeline, type FaultOption } from '@/shared/ui/fault-panel'
import { useRealtimeSocket } from '../hooks/use-realtime-socket'

const FAULTS: FaultOption[] = [
  {
    kind: 'drop',
    label: 'Drop it now',
    steps: [
      'The server closes your socket’s transport without a goodbye, as a lost network would.',
      'Send a message now: it waits in the outbox (queued) instead of failing.',
      'socket.io-client reconnects with backoff, handing over its session id and last offset.',
      'The server recovers the session: same socket id, same rooms, missed messages replayed.',
      'The outbox drains: each queued message is sent and acknowledged once.',
    ],
  },
  {
    kind: 'stall',
    label: 'Stall it for 10 s',
    steps: [
      'The server stops writing to your socket, pings included; the connection stays open.',
      'Send a message now: the server gets it, but its ack is held back, so it shows “sending”.',
      'Then everything held back arrives in order and the outbox drains.',
    ],
  },
]

/** The chat's "Break it" panel: faults this tab's own Socket.IO connection. */
export function ChatFaults({ outbox }: { outbox: number }) {
  const baseUrl = useRealtimeUrl()
  const { connection, state } = useRealtimeSocket()
  const { entries, note } = useFaultTimeline()
  const seen = useRef({ status: state.status, connects: state.connects, outbox })

  useEffect(() => {
    const before = seen.current
    seen.current = { status: state.status, connects: state.connects, outbox }
    if (before.status === 'open' && state.status !== 'open')
      note(
        `Disconnected (${state.lastError ?? 'transport lost'}): socket.io-client is reconnecting.`,
      )
    if (state.connects > before.connects && before.connects > 0)
      note(
        state.recovered
          ? 'Reconnected and recovered: same socket id and rooms, missed events replayed.'
          : 'Reconnected without recovery: rejoining the room and fetching what was missed.',
      )
    if (before.outbox > 0 && outbox === 0)
      note('Outbox drained: every queued message was acknowledged.')
  }, [state.status, state.connects, state.recovered, state.lastError, outbox, note])

  const socketId = state.status === 'open' ? (connection?.socket.id ?? null) : null
  return (
    <FaultPanel
      baseUrl={baseUrl}
      transport="socketio"
      connectionId={socketId}
      unavailable={state.status === 'open' ? undefined : 'Waiting for the connection to open.'}
      intro="Break this tab’s own Socket.IO connection, on the server side, and watch it recover. Other people in the room are not affected."
      faults={FAULTS}
      observations={[
        { label: 'Connects', value: String(state.connects), testId: 'fault-connects' },
        { label: 'Recovered', value: state.recovered ? 'yes' : 'no', testId: 'fault-recovered' },
        { label: 'Outbox', value: String(outbox), testId: 'fault-outbox' },
        { label: 'Socket id', value: socketId?.slice(0, 8) ?? '—', testId: 'fault-socket-id' },
      ]}
      timeline={entries}
      onRequest={(fault, stallMs) =>
        note(
          fault === 'stall'
            ? `Asked the server to stop writing for ${stallMs / 1000} s.`
            : 'Asked the server to close the transport.',
        )
      }
    />
  )
}
