import { encodeSseJson } from '@duplex/protocol/sse'
import { useTranslations } from 'next-intl'

const tick = { symbol: 'AAPL', price: 228.4, change: -0.1, ts: 1795781320416.9, seq: 105 }
const bytes = (s: string) => new TextEncoder().encode(s).length

/**
 * One price update as each transport carries it. The SSE text comes from Duplex's own encoder;
 * the Socket.IO packet is engine.io type 4 (message) + socket.io type 2 (event) + JSON args.
 * It is a fixed example (the home page holds no connection), and it says so: the live frames are
 * in each demo's wire panel.
 */
export function SameUpdateOnEachWire() {
  const t = useTranslations('sameUpdate')
  const sse = encodeSseJson('tick', tick, 1654)
  const socketIo = `42${JSON.stringify(['tick', tick])}`
  const rows = [
    {
      label: t('sseLabel'),
      note: t('sseNote'),
      text: sse.trimEnd(),
      size: bytes(sse),
      tone: 'text-sse-700 dark:text-sse-100',
    },
    {
      label: t('wsLabel'),
      note: t('wsNote'),
      text: socketIo,
      size: bytes(socketIo),
      tone: 'text-ws-700 dark:text-ws-100',
    },
  ]
  return (
    <figure className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <figcaption className="mb-3">
        <span className="text-sm font-semibold">{t('caption')}</span>
        <span
          className="mt-1 block text-xs text-slate-500 dark:text-slate-400"
          data-testid="same-update-example"
        >
          {t('example')}
        </span>
      </figcaption>
      <div className="space-y-3">
        {rows.map((row) => (
          <div key={row.label}>
            <div className="mb-1 flex items-baseline justify-between gap-2 text-xs">
              <span className={`font-semibold ${row.tone}`}>{row.label}</span>
              <span className="text-slate-500 dark:text-slate-400">
                {row.size} B · {row.note}
              </span>
            </div>
            <pre className="rounded-lg bg-slate-50 break-all whitespace-pre-wrap p-3 font-mono text-[11px] leading-relaxed text-slate-800 dark:bg-slate-950 dark:text-slate-200">
              {row.text}
            </pre>
          </div>
        ))}
      </div>
    </figure>
  )
}
