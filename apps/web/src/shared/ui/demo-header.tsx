import { useTranslations } from 'next-intl'
import type { ReactNode } from 'react'
import { DemoLede } from './demo-lede'
import { TransportTag, type Transport } from './transport-tag'

/** The top of every demo page: what it is, which transport, and why that transport fits. */
export function DemoHeader({
  transport,
  title,
  lede,
  why,
}: {
  transport: Transport
  /** Text, or an element when part of it is only known in the browser (a room's name). */
  title: ReactNode
  lede: string
  why: string[]
}) {
  const t = useTranslations('demoHeader')
  const heading = transport === 'sse' ? t('whySse') : t('whyWs')
  const reasons = why.map((reason) => (
    <li key={reason} className="flex gap-2">
      <span aria-hidden className={transport === 'sse' ? 'text-sse-600' : 'text-ws-600'}>
        ✓
      </span>
      {reason}
    </li>
  ))
  // On a phone the demo itself comes first: the lede starts at two lines with a "More" button,
  // and the "Why" box folds into one line that opens on a tap.
  return (
    <div className="mb-4 grid gap-3 sm:mb-6 sm:gap-4 lg:grid-cols-[1fr_auto] lg:items-end">
      <div>
        <div className="mb-1 flex items-center gap-2 sm:mb-2">
          <TransportTag transport={transport} />
          <span className="text-xs font-medium text-slate-500 dark:text-slate-400">
            {transport === 'sse' ? t('sseWire') : t('wsWire')}
          </span>
        </div>
        <h1 className="text-xl font-bold tracking-tight sm:text-3xl">{title}</h1>
        <DemoLede text={lede} />
      </div>
      <details
        data-testid="why-collapsed"
        className="rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm text-slate-700 shadow-sm sm:hidden dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300"
      >
        <summary className="cursor-pointer text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
          {heading}
        </summary>
        <ul className="mt-2 grid gap-1">{reasons}</ul>
      </details>
      <ul className="hidden gap-1 rounded-lg border border-slate-200 bg-white p-3 text-sm text-slate-700 shadow-sm sm:grid dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300">
        <li className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
          {heading}
        </li>
        {reasons}
      </ul>
    </div>
  )
}
