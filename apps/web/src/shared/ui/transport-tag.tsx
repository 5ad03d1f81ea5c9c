export type Transport = 'sse' | 'ws'

const STYLES: Record<Transport, string> = {
  sse: 'bg-sse-100 text-sse-700 ring-sse-500/30 dark:bg-sse-700/30 dark:text-sse-100',
  ws: 'bg-ws-100 text-ws-700 ring-ws-500/30 dark:bg-ws-700/30 dark:text-ws-100',
}

const LABELS: Record<Transport, string> = { sse: 'SSE', ws: 'WebSocket' }

/** The colour code used everywhere: green for Server-Sent Events, violet for WebSockets. */
export function TransportTag({ transport, compact }: { transport: Transport; compact?: boolean }) {
  return (
    <span
      className={`inline-flex items-center rounded-full px-1.5 py-0.5 text-[10px] leading-none font-semibold tracking-wide uppercase ring-1 ring-inset ${STYLES[transport]}`}
    >
      {compact && transport === 'ws' ? 'WS' : LABELS[transport]}
    </span>
  )
}
