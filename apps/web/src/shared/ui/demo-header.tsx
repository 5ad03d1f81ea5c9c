import { useTranslations } from 'next-intl'
import { TransportTag, type Transport } from './transport-tag'

/** The top of every demo page: what it is, which transport, and why that transport fits. */
export function DemoHeader({
  transport,
  title,
  lede,
  why,
}: {
  transport: Transport
  title: string
  lede: string
  why: string[]
}) {
  const t = useTranslations('demoHeader')
  return (
    <div className="mb-6 grid gap-4 lg:grid-cols-[1fr_auto] lg:items-end">
      <div>
        <div className="mb-2 flex items-center gap-2">
          <TransportTag transport={transport} />
          <span className="text-xs font-medium text-slate-500 dark:text-slate-400">
            {transport === 'sse' ? t('sseWire') : t('wsWire')}
          </span>
        </div>
        <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">{title}</h1>
        <p className="mt-2 max-w-3xl text-slate-600 dark:text-slate-300">{lede}</p>
      </div>
      <ul className="grid gap-1 rounded-lg border border-slate-200 bg-white p-3 text-sm text-slate-700 shadow-sm dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300">
        <li className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
          {transport === 'sse' ? t('whySse') : t('whyWs')}
        </li>
        {why.map((reason) => (
          <li key={reason} className="flex gap-2">
            <span aria-hidden className={transport === 'sse' ? 'text-sse-600' : 'text-ws-600'}>
              ✓
            </span>
            {reason}
          </li>
        ))}
      </ul>
    </div>
  )
}
