'use client'

import { useState } from 'react'
import { useTranslations } from 'next-intl'
import type { SymbolInfo } from '@duplex/protocol/ticker'

export function AddSymbolForm({
  listings,
  watchlist,
  onAdd,
}: {
  listings: SymbolInfo[]
  watchlist: string[]
  onAdd: (symbol: string) => void
}) {
  const t = useTranslations('ticker.add')
  const available = listings.filter((l) => !watchlist.includes(l.symbol))
  const [choice, setChoice] = useState('')
  const selected = available.some((l) => l.symbol === choice)
    ? choice
    : (available[0]?.symbol ?? '')
  return (
    <form
      className="flex items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault()
        if (selected) onAdd(selected)
      }}
    >
      <label htmlFor="add-symbol" className="sr-only">
        {t('label')}
      </label>
      <select
        id="add-symbol"
        value={selected}
        onChange={(e) => setChoice(e.target.value)}
        disabled={available.length === 0}
        // A fixed width: the names arrive after the first paint and must not push the bar to a new line.
        className="w-56 max-w-full truncate rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-800"
      >
        {available.map((l) => (
          <option key={l.symbol} value={l.symbol}>
            {l.symbol} — {l.name}
          </option>
        ))}
      </select>
      <button
        type="submit"
        disabled={!selected}
        className="rounded-md bg-sse-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-sse-700 disabled:opacity-50"
      >
        {t('add')}
      </button>
    </form>
  )
}
