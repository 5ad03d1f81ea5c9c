'use client'

import { useEffect, useRef } from 'react'
import { useRealtimeUrl } from '@/shared/hooks/use-realtime-url'
import { FaultPanel, useFaultTimeline, type FaultOption } from '@/shared/ui/fault-panel'
import type { CollabDocState } from '../hooks/use-collab-doc'

const FAULTS: FaultOption[] = [
  {
    kind: 'drop',
    label: 'Drop it now',
    steps: [
      'The server cuts your WebSocket without a close frame (the browser sees code 1006).',
      'Keep typing: Yjs applies your edits to the local document; nothing waits for the network.',
      'y-websocket reconnects with backoff and sends its state vector (sync step 1).',
      'The server answers with what you lack and asks for what it lacks (step 2): both sides converge.',
    ],
  },
  {
    kind: 'stall',
    label: 'Stall it for 10 s',
    steps: [
      'The server stops sending to you; the WebSocket stays open and your edits still reach it.',
      'Other people’s edits and cursors stop arriving here for a while.',
      'Then the held-back updates arrive in order; Yjs merges them, whatever order they come in.',
    ],
  },
]

/** The editor's "Break it" panel: faults this page's own y-websocket connection. */
export function EditorFaults({ collab }: { collab: CollabDocState }) {
  const baseUrl = useRealtimeUrl()
  const { entries, note } = useFaultTimeline()
  const seen = useRef({ status: collab.status, synced: collab.synced, connection: 0 })

  useEffect(() => {
    const before = seen.current
    seen.current = { status: collab.status, synced: collab.synced, connection: collab.connection }
    if (before.status === 'open' && collab.status !== 'open' && !collab.offline)
      note('The WebSocket closed: y-websocket is reconnecting; your edits stay in the local doc.')
    if (collab.connection > before.connection && before.connection > 0)
      note(`WebSocket #${collab.connection} is open: sync step 1 sent the state vector.`)
    if (collab.synced && !before.synced && collab.connection > 1)
      note('Resynced: the server sent what this page missed and took what it had not seen.')
  }, [collab.status, collab.synced, collab.connection, collab.offline, note])

  return (
    <FaultPanel
      baseUrl={baseUrl}
      transport="yjs"
      connectionId={collab.status === 'open' ? collab.faultName : null}
      unavailable={collab.status === 'open' ? undefined : 'Waiting for the WebSocket to open.'}
      intro="Break your own WebSocket to this document, on the server side, and watch y-websocket resync. Other people editing are not affected."
      faults={FAULTS}
      observations={[
        { label: 'WebSocket', value: `#${collab.connection || 1}`, testId: 'fault-connection' },
        { label: 'Synced', value: collab.synced ? 'yes' : 'no', testId: 'fault-synced' },
      ]}
      timeline={entries}
      onRequest={(fault, stallMs) =>
        note(
          fault === 'stall'
            ? `Asked the server to stop sending for ${stallMs / 1000} s.`
            : 'Asked the server to cut the WebSocket.',
        )
      }
    />
  )
}
