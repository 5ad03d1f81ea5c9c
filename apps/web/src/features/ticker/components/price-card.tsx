'use client'

import { useEffect, useRef, useState } from 'react'
import { useFormatter, useTranslations } from 'next-intl'
import type { Quote } from '@duplex/protocol/ticker'
import { PriceChart } from './price-chart'

export function PriceCard({
  symbol,
  name,
  open,
  quote,
  onRemove,
}: {
  symbol: string
  name: string
  open: number | undefined
  quote: Quote | undefined
  onRemove: () => void
}) {
  const t = useTranslations('ticker.price')
  const format = useFormatter()
  const money = (x: number) =>
    format.number(x, { style: 'currency', currency: 'USD', currencyDisplay: 'narrowSymbol' })
  const fixed = (x: number) =>
    format.number(x, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
  const previous = useRef<number | undefined>(undefined)
  const [flash, setFlash] = useState<{ dir: 'up' | 'down'; n: number } | null>(null)

  useEffect(() => {
    const price = quote?.price
    if (price !== undefined && previous.current !== undefined && price !== previous.current) {
      const dir = price > previous.current ? 'up' : 'down'
      setFlash((f) => ({ dir, n: (f?.n ?? 0) + 1 }))
    }
    previous.current = price
  }, [quote?.price])

  const change = quote && open ? quote.price - open : 0
  const pct = open ? (change / open) * 100 : 0
  const up = change >= 0

  return (
    <li
      data-testid="price-card"
      data-symbol={symbol}
      className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div
        key={flash?.n}
        className={`flex items-start justify-between gap-3 px-4 pt-3 pb-2 ${flash ? `flash-${flash.dir}` : ''}`}
      >
        <div className="min-w-0">
          <h2 className="font-semibold">{symbol}</h2>
          <p className="truncate text-xs text-slate-600 dark:text-slate-300">{name}</p>
        </div>
        <div className="text-right">
          <p className="font-mono text-lg font-semibold tabular-nums" data-testid="price">
            {quote ? money(quote.price) : '—'}
          </p>
          <p
            className={`min-h-4 font-mono text-xs tabular-nums ${up ? 'text-emerald-700 dark:text-emerald-400' : 'text-rose-700 dark:text-rose-400'}`}
          >
            {quote
              ? `${up ? '▲' : '▼'} ${fixed(Math.abs(change))} (${format.number(pct / 100, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 })})`
              : ' '}
          </p>
        </div>
      </div>
      <PriceChart
        symbol={symbol}
        quote={quote}
        label={
          quote ? t('chartLast', { symbol, price: money(quote.price) }) : t('chart', { symbol })
        }
      />
      <div className="flex items-center justify-between border-t border-slate-100 px-4 py-2 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
        <span className="font-mono" data-testid="seq">
          {t('tick', { seq: quote?.seq ?? 0 })}
        </span>
        <button
          type="button"
          onClick={onRemove}
          className="rounded px-2 py-1 font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
          aria-label={t('removeLabel', { symbol })}
        >
          {t('remove')}
        </button>
      </div>
    </li>
  )
}
