'use client'

import { useCallback, useEffect, useState } from 'react'

const STORAGE_KEY = 'duplex-watchlist'
const DEFAULT = ['AAPL', 'MSFT', 'NVDA', 'TSLA']
/** How many cards a first visit shows, so the page can hold their place before it knows. */
export const DEFAULT_WATCHLIST_SIZE = DEFAULT.length

/** The user's symbols, kept in localStorage so a reload opens the same stream. */
export function useWatchlist() {
  const [watchlist, setWatchlist] = useState<string[]>([])
  const [ready, setReady] = useState(false)

  useEffect(() => {
    let initial = DEFAULT
    try {
      const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as unknown
      if (Array.isArray(saved) && saved.every((s) => typeof s === 'string')) initial = saved
    } catch {
      // A corrupt entry falls back to the default list.
    }
    // ?symbols=AAPL,MSFT in the page URL wins, so a watchlist can be shared as a link.
    const fromUrl = new URLSearchParams(window.location.search).get('symbols')
    if (fromUrl)
      initial = fromUrl
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean)
    setWatchlist(initial)
    setReady(true)
  }, [])

  useEffect(() => {
    if (ready) localStorage.setItem(STORAGE_KEY, JSON.stringify(watchlist))
  }, [watchlist, ready])

  const add = useCallback(
    (symbol: string) => {
      if (watchlist.includes(symbol)) return false
      setWatchlist((list) => [...list, symbol])
      return true
    },
    [watchlist],
  )
  const remove = useCallback(
    (symbol: string) => setWatchlist((list) => list.filter((s) => s !== symbol)),
    [],
  )

  return { watchlist, add, remove, ready }
}
