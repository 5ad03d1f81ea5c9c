const ROWS: { aspect: string; sse: string; ws: string; note?: string }[] = [
  {
    aspect: 'Direction',
    sse: 'One way: server → client',
    ws: 'Both ways, full duplex',
    note: 'SSE apps send the rare client → server message as a normal HTTP request (the ticker does).',
  },
  {
    aspect: 'Protocol',
    sse: 'Plain HTTP(S) response, text/event-stream',
    ws: 'Own protocol after an HTTP Upgrade (ws://, wss://)',
  },
  {
    aspect: 'Reconnection',
    sse: 'Built into EventSource, resumes with Last-Event-ID',
    ws: 'Yours to write (Socket.IO does it for you)',
    note: 'EventSource gives up on HTTP errors; Duplex adds backoff with jitter on top.',
  },
  {
    aspect: 'Data',
    sse: 'UTF-8 text (JSON in data: lines)',
    ws: 'Text or binary frames',
    note: 'Yjs sends binary updates; over SSE they would need base64 (+33%).',
  },
  {
    aspect: 'Proxies and firewalls',
    sse: 'Passes anything that passes HTTP — once buffering is off',
    ws: 'Every hop must support Upgrade and long idle connections',
    note: 'The guide says "NAT traversal"; the real difference is proxies, see deploy/.',
  },
  {
    aspect: 'Connections per browser',
    sse: '6 per origin over HTTP/1.1; ~100 streams over HTTP/2',
    ws: 'Not bound by the HTTP/1.1 limit',
    note: 'The progress demo caps live streams for this reason.',
  },
  { aspect: 'Browser support', sse: 'All modern browsers', ws: 'All modern browsers' },
  {
    aspect: 'Best for',
    sse: 'Tickers, notifications, monitoring, progress',
    ws: 'Chat, games, collaborative editing',
  },
]

export function ComparisonTable() {
  return (
    <div className="scroll-hint mt-4 overflow-x-auto rounded-xl border border-slate-200 shadow-sm dark:border-slate-800">
      <table className="w-full min-w-[40rem] text-left text-sm">
        <caption className="sr-only">Server-Sent Events compared with WebSocket</caption>
        <thead className="bg-slate-50 text-xs tracking-wide text-slate-600 uppercase dark:bg-slate-800/60 dark:text-slate-300">
          <tr>
            <th scope="col" className="px-4 py-3 font-semibold">
              Aspect
            </th>
            <th scope="col" className="px-4 py-3 font-semibold">
              Server-Sent Events
            </th>
            <th scope="col" className="px-4 py-3 font-semibold">
              WebSocket
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {ROWS.map((row) => (
            <tr key={row.aspect} className="align-top">
              <th scope="row" className="px-4 py-3 font-semibold whitespace-nowrap">
                {row.aspect}
              </th>
              <td className="px-4 py-3">{row.sse}</td>
              <td className="px-4 py-3">
                {row.ws}
                {row.note && (
                  <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
                    Note: {row.note}
                  </p>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
