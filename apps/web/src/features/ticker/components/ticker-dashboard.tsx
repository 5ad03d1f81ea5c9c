'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import { useEventStream, useMessageRate } from '@duplex/client/react'
import { useFormatter, useTranslations } from 'next-intl'
import {
  TickerEvents,
  type Quote,
  type SymbolInfo,
  type SymbolList,
  type TickerHello,
} from '@duplex/protocol/ticker'
import { ConnectionBadge } from '@/shared/ui/connection-badge'
import { RICH_TAGS } from '@/shared/ui/rich-text'
import { WirePanel } from '@/shared/ui/wire-panel'
import { useSession } from '@/shared/hooks/use-session'
import { useWireLog } from '@/shared/hooks/use-wire-log'
import { AddSymbolForm } from './add-symbol-form'
import { PriceCard } from './price-card'
import { DEFAULT_WATCHLIST_SIZE, useWatchlist } from '../hooks/use-watchlist'
import { TickerFaults } from './ticker-faults'

/** What the page checks on every tick: a symbol's `seq` must go up by exactly one. */
interface Integrity {
  gaps: number
  duplicates: number
  resets: number
}

export function TickerDashboard() {
  const [listings, setListings] = useState<SymbolInfo[]>([])
  const { watchlist, add, remove, ready } = useWatchlist()
  const [quotes, setQuotes] = useState<Record<string, Quote>>({})
  const [integrity, setIntegrity] = useState<Integrity>({ gaps: 0, duplicates: 0, resets: 0 })
  const [notice, setNotice] = useState<string | null>(null)
  const connectionId = useRef<string | null>(null)
  const [hello, setHello] = useState<TickerHello | null>(null)
  const [lastFrame, setLastFrame] = useState({ connection: 0, at: 0 })
  const [closing, setClosing] = useState<{ message: string; at: number } | null>(null)
  const lastSeq = useRef(new Map<string, number>())
  const watchlistRef = useRef(watchlist)
  watchlistRef.current = watchlist
  const wire = useWireLog(300)
  const { refresh } = useSession()
  // Read through a ref: `refresh` changes with every answer, and must not re-run the effects.
  const refreshRef = useRef(refresh)
  refreshRef.current = refresh
  const rate = useMessageRate(5000)
  const t = useTranslations('ticker')
  const format = useFormatter()

  useEffect(() => {
    fetch('/api/ticker/symbols')
      .then((r) => r.json() as Promise<SymbolList>)
      .then((list) => setListings(list.symbols))
      .catch(() => setNotice(t('dashboard.symbolsFailed')))
  }, [t])

  const applyQuotes = useCallback((incoming: Quote[], reset: boolean) => {
    for (const q of incoming) lastSeq.current.set(q.symbol, q.seq)
    setQuotes((prev) => {
      const next = reset ? {} : { ...prev }
      for (const q of incoming) next[q.symbol] = q
      return next
    })
  }, [])

  const stream = useEventStream({
    key: 'ticker',
    enabled: ready && watchlist.length > 0,
    // Evaluated at every reconnect, so a resumed stream asks for today's watchlist, not the one
    // the page opened with.
    url: () => `/api/ticker/stream?symbols=${encodeURIComponent(watchlistRef.current.join(','))}`,
    events: TickerEvents,
    onWire: (frame) => {
      setLastFrame({ connection: frame.connection, at: frame.at })
      wire.push({
        at: frame.at,
        direction: 'in',
        kind: frame.kind === 'event' ? (frame.event ?? 'message') : frame.kind,
        event: frame.event,
        id: frame.id,
        text: frame.text,
        bytes: frame.bytes,
        connection: frame.connection,
      })
    },
    handlers: {
      hello: (hello) => {
        setHello(hello)
        connectionId.current = hello.connectionId
        // The watchlist may have changed while the stream was reconnecting: bring it in line.
        const want = watchlistRef.current
        const addNow = want.filter((s) => !hello.symbols.includes(s))
        const removeNow = hello.symbols.filter((s) => !want.includes(s))
        if (addNow.length || removeNow.length)
          void changeSubscription(hello.connectionId, addNow, removeNow)
        if (hello.resume === 'reset') setNotice(t('dashboard.resetNotice'))
        else if (hello.resume === 'resumed') setNotice(null)
      },
      snapshot: (snapshot) => {
        if (snapshot.reset) setIntegrity((i) => ({ ...i, resets: i.resets + 1 }))
        applyQuotes(snapshot.quotes, snapshot.reset)
      },
      tick: (tick) => {
        rate.record()
        const previous = lastSeq.current.get(tick.symbol)
        if (previous !== undefined && tick.seq !== previous + 1) {
          setIntegrity((i) =>
            tick.seq <= previous
              ? { ...i, duplicates: i.duplicates + 1 }
              : { ...i, gaps: i.gaps + 1 },
          )
        }
        lastSeq.current.set(tick.symbol, tick.seq)
        setQuotes((prev) => ({ ...prev, [tick.symbol]: tick }))
      },
      closing: (closing) => {
        // The server's words are English; its reason code says the same in the reader's language.
        const message = t(`dashboard.closing.${closing.reason}`)
        setNotice(message)
        setClosing({ message, at: Date.now() })
      },
    },
  })

  // EventSource cannot see the 401 of a session that ended; asking who is signed in can, and
  // shows the sign-in card instead of a stream that keeps retrying.
  const { status } = stream
  useEffect(() => {
    if (status === 'reconnecting' || status === 'closed') void refreshRef.current()
  }, [status])
  // An empty watchlist closes the stream; its connection id is dead, and a change sent to it would
  // only earn a 404. The next stream's `hello` brings a fresh one.
  const streaming = ready && watchlist.length > 0
  const emptied = ready && watchlist.length === 0
  useEffect(() => {
    if (!streaming) connectionId.current = null
  }, [streaming])

  const changeSubscription = async (id: string, addSymbols: string[], removeSymbols: string[]) => {
    const response = await fetch('/api/ticker/subscriptions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ connectionId: id, add: addSymbols, remove: removeSymbols }),
    })
    if (response.status === 401) return void refresh()
    // 404: the stream is between connections. Its reconnect will carry the new watchlist.
    if (!response.ok && response.status !== 404) setNotice(t('dashboard.refused'))
  }

  const onAdd = (symbol: string) => {
    if (!add(symbol)) return
    if (connectionId.current) void changeSubscription(connectionId.current, [symbol], [])
  }

  const onRemove = (symbol: string) => {
    const emptied = watchlist.every((s) => s === symbol)
    remove(symbol)
    lastSeq.current.delete(symbol)
    setQuotes((prev) => {
      const next = { ...prev }
      delete next[symbol]
      return next
    })
    // Removing the last symbol closes the stream, so there is no one to tell: a change sent now
    // races the close and may earn a 404 from a connection that just ended.
    if (emptied) connectionId.current = null
    else if (connectionId.current) void changeSubscription(connectionId.current, [], [symbol])
  }

  const names = new Map(listings.map((l) => [l.symbol, l]))

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
      <div className="min-w-0 space-y-4">
        <div className="flex flex-wrap items-center gap-3 rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <ConnectionBadge
            status={stream.status}
            // An empty watchlist closes the stream on purpose: say so, and how to reopen it, rather
            // than a bare "Closed" that reads like a failure.
            detail={emptied ? t('dashboard.noSymbols') : undefined}
          />
          <Stat
            label={t('dashboard.lastEventId')}
            value={stream.lastEventId ?? '—'}
            testId="last-event-id"
          />
          <Stat
            label={t('dashboard.rate')}
            // The meter averages over five seconds; a closed stream receives nothing now.
            value={t('dashboard.rateValue', {
              rate: format.number(stream.status === 'open' ? rate.rate : 0, {
                minimumFractionDigits: 1,
                maximumFractionDigits: 1,
              }),
            })}
            testId="message-rate"
          />
          <Stat label={t('dashboard.gaps')} value={String(integrity.gaps)} testId="gap-count" />
          <Stat
            label={t('dashboard.duplicates')}
            value={String(integrity.duplicates)}
            testId="duplicate-count"
          />
          <Stat
            label={t('dashboard.resets')}
            value={String(integrity.resets)}
            testId="reset-count"
          />
          <div className="ml-auto">
            <AddSymbolForm listings={listings} watchlist={watchlist} onAdd={onAdd} />
          </div>
        </div>
        {notice && (
          <p
            role="alert"
            className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
          >
            {notice}
          </p>
        )}
        {watchlist.length === 0 && ready && (
          <p className="rounded-xl border border-dashed border-slate-300 p-10 text-center text-slate-500 dark:border-slate-700 dark:text-slate-400">
            {t('dashboard.empty')}
          </p>
        )}
        <ul aria-label={t('dashboard.watchlist')} className="grid gap-4 sm:grid-cols-2">
          {/* Until the saved watchlist is read, placeholders hold the cards' place so nothing below moves. */}
          {!ready &&
            Array.from({ length: DEFAULT_WATCHLIST_SIZE }, (_, i) => (
              <li
                key={i}
                aria-hidden
                data-testid="price-card-placeholder"
                className="h-[16.3125rem] animate-pulse rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900"
              />
            ))}
          {watchlist.map((symbol) => (
            <PriceCard
              key={symbol}
              symbol={symbol}
              name={names.get(symbol)?.name ?? ''}
              open={names.get(symbol)?.open}
              quote={quotes[symbol]}
              onRemove={() => onRemove(symbol)}
            />
          ))}
        </ul>
        <TickerFaults
          hello={hello}
          status={stream.status}
          lastEventId={stream.lastEventId}
          gaps={integrity.gaps}
          duplicates={integrity.duplicates}
          connection={lastFrame.connection}
          lastFrameAt={lastFrame.at}
          closing={closing}
          emptied={emptied}
          reconnect={stream.reconnect}
        />
      </div>
      <WirePanel log={wire} description={t.rich('wire', RICH_TAGS)} />
    </div>
  )
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="text-sm">
      <span className="text-slate-500 dark:text-slate-400">{label} </span>
      <span className="font-mono font-semibold tabular-nums" data-testid={testId}>
        {value}
      </span>
    </div>
  )
}
