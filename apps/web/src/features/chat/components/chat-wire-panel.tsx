'use client'

import { WirePanel } from '@/shared/ui/wire-panel'
import { useRealtimeWire } from '@/features/chat/hooks/use-realtime-wire'

export function ChatWirePanel() {
  const log = useRealtimeWire()
  return (
    <WirePanel
      log={log}
      description={
        <>
          engine.io packets of the Socket.IO connection as written on the wire: <code>2</code>/
          <code>3</code> are ping/pong, <code>40</code> connects, <code>42[…]</code> is an event and{' '}
          <code>43…</code> its ack, matched by id.
        </>
      }
    />
  )
}
