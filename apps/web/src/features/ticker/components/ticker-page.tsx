import type { Metadata } from 'next'
import { DemoHeader } from '@/shared/ui/demo-header'
import { RealtimeBoundary } from '@/shared/ui/session/realtime-boundary'
import { SessionGate } from '@/shared/ui/session/session-gate'
import { TickerDashboard } from './ticker-dashboard'

export const tickerMetadata: Metadata = { title: 'Stock ticker over SSE' }

export function TickerPage() {
  return (
    <>
      <DemoHeader
        transport="sse"
        title="Stock ticker"
        lede="One simulated market per server, fanned out to every tab over Server-Sent Events. Change the watchlist with plain HTTP requests while the stream stays open; drop the connection and it resumes from Last-Event-ID with nothing missed."
        why={[
          'Data flows one way: server → browser.',
          'Subscribing is rare, so a POST is enough.',
          'EventSource reconnects and resumes by itself.',
        ]}
      />
      {/* Streams and jobs belong to a user: the same sign-in as chat, the same httpOnly cookie. */}
      <RealtimeBoundary>
        <SessionGate purpose="watch the market">
          <TickerDashboard />
        </SessionGate>
      </RealtimeBoundary>
    </>
  )
}
