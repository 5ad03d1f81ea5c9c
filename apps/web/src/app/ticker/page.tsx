import type { Metadata } from 'next'
import { DemoHeader } from '@/components/demo-header'
import { TickerDashboard } from './_components/ticker-dashboard'

export const metadata: Metadata = { title: 'Stock ticker over SSE' }

export default function TickerPage() {
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
      <TickerDashboard />
    </>
  )
}
