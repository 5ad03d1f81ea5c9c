'use client'

import { useEffect, useRef, useState } from 'react'
import type { Quote } from '@duplex/protocol/ticker'
import { PriceChart } from './price-chart'

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' })

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
            {quote ? money.format(quote.price) : '—'}
          </p>
          <p
            className={`min-h-4 font-mono text-xs tabular-nums ${up ? 'text-emerald-700 dark:text-emerald-400' : 'text-rose-700 dark:text-rose-400'}`}
          >
            {quote ? `${up ? '▲' : '▼'} ${Math.abs(change).toFixed(2)} (${pct.toFixed(2)}%)` : ' '}
          </p>
        </div>
      </div>
      <PriceChart symbol={symbol} quote={quote} />
      <div className="flex items-center justify-between border-t border-slate-100 px-4 py-2 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
        <span className="font-mono" data-testid="seq">
          tick #{quote?.seq ?? 0}
        </span>
        <button
          type="button"
          onClick={onRemove}
          className="rounded px-2 py-1 font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
          aria-label={`Remove ${symbol} from the watchlist`}
        >
          Remove
        </button>
      </div>
    </li>
  )
}
