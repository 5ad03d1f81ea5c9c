'use client'

import { useTranslations } from 'next-intl'
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react'
import type { ApiError } from '@duplex/protocol/errors'
import type {
  FaultAccepted,
  FaultKind,
  FaultSettings,
  FaultTransport,
} from '@duplex/protocol/faults'
import { useFormatTime } from '@/shared/hooks/use-format-time'
import { RICH_TAGS } from '@/shared/ui/rich-text'

/** One button of the panel, and what the page will show after it. */
export interface FaultOption {
  kind: FaultKind
  label: string
  /** The steps a visitor should watch for, in order, one short sentence each. */
  steps: ReactNode[]
}

/** A live figure the page reads off its own connection (status, counters, ids). */
export interface FaultObservation {
  label: string
  value: string
  testId: string
}

export interface FaultTimelineEntry {
  at: number
  text: string
}

/**
 * What the page saw happen, newest last: the demo notes each step of a recovery (dropped,
 * reconnecting, resumed from id 42…) so the visitor reads what the transport did, as it does it.
 */
export function useFaultTimeline(limit = 8) {
  const [entries, setEntries] = useState<FaultTimelineEntry[]>([])
  const note = useCallback(
    (text: string) => setEntries((list) => [...list, { at: Date.now(), text }].slice(-limit)),
    [limit],
  )
  return { entries, note }
}

export interface FaultPanelProps {
  /** Where `GET`/`POST /api/faults` live: '' for the web app, the realtime server's base URL. */
  baseUrl: string | null
  transport: FaultTransport
  /** The connection to break, as the server knows it; null while there is none. */
  connectionId: string | null
  /** Why nothing can be broken right now (no connection yet, not signed in…). */
  unavailable?: string | undefined
  intro: ReactNode
  faults: FaultOption[]
  observations: FaultObservation[]
  timeline: FaultTimelineEntry[]
  /**
   * Called as the request leaves, so the page notes what it asked for before the effects (a drop
   * is often seen before its answer arrives). `stallMs` is this server's stall.
   */
  onRequest?: (fault: FaultKind, stallMs: number) => void
  /** Called once the server accepted a fault. */
  onInjected?: (fault: FaultAccepted) => void
  /** Shown when the server answers 401: the SSE pages offer a guest sign-in there. */
  signIn?: { label: string; run: () => Promise<void> } | undefined
}

/** The stall button says how long this server stalls (`FAULTS_STALL_MS`), once it is known. */
function labelOf(option: FaultOption, stallLabel: string | null): string {
  return option.kind === 'stall' && stallLabel !== null ? stallLabel : option.label
}

/**
 * "Break it": buttons that ask the server to fault this page's own connection, the steps to
 * watch for, live figures read off the connection, and a timeline of what actually happened.
 * The page decides what its connection is and what to watch; the panel only talks to
 * `/api/faults` (same shape on both servers).
 */
export function FaultPanel({
  baseUrl,
  transport,
  connectionId,
  unavailable,
  intro,
  faults,
  observations,
  timeline,
  onRequest,
  onInjected,
  signIn,
}: FaultPanelProps) {
  const t = useTranslations('faultPanel')
  const formatTime = useFormatTime()
  const titleId = useId()
  const [settings, setSettings] = useState<FaultSettings | null>(null)
  const [chosen, setChosen] = useState<FaultKind | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [needsSignIn, setNeedsSignIn] = useState(false)
  const [busy, setBusy] = useState(false)
  // A refusal for too many faults says when to try again; the panel counts that down.
  const [retryAt, setRetryAt] = useState<number | null>(null)
  const [now, setNow] = useState(() => Date.now())
  const onInjectedRef = useRef(onInjected)
  onInjectedRef.current = onInjected

  useEffect(() => {
    if (baseUrl === null) return
    let live = true
    fetch(`${baseUrl}/api/faults`, { credentials: 'include' })
      .then((r) => (r.ok ? (r.json() as Promise<FaultSettings>) : null))
      .then((s) => live && setSettings(s))
      .catch(() => live && setSettings(null))
    return () => {
      live = false
    }
  }, [baseUrl])

  useEffect(() => {
    if (retryAt === null) return
    const timer = setInterval(() => {
      setNow(Date.now())
      if (Date.now() >= retryAt) setRetryAt(null)
    }, 250)
    return () => clearInterval(timer)
  }, [retryAt])
  const retryIn = retryAt === null ? 0 : Math.max(0, Math.ceil((retryAt - now) / 1000))

  const inject = async (fault: FaultKind) => {
    if (baseUrl === null || connectionId === null) return
    setBusy(true)
    setChosen(fault)
    setMessage(null)
    onRequest?.(fault, settings?.stallMs ?? 10_000)
    try {
      const response = await fetch(`${baseUrl}/api/faults`, {
        method: 'POST',
        credentials: 'include',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ transport, connectionId, fault }),
      })
      if (response.ok) {
        setNeedsSignIn(false)
        onInjectedRef.current?.((await response.json()) as FaultAccepted)
        return
      }
      const body = (await response.json().catch(() => null)) as ApiError | null
      const retryAfter = Number(response.headers.get('Retry-After'))
      if (response.status === 429 && retryAfter > 0) {
        setNow(Date.now())
        setRetryAt(Date.now() + retryAfter * 1000)
        return
      }
      setNeedsSignIn(response.status === 401)
      setMessage(body?.error.message ?? t('serverAnswered', { status: String(response.status) }))
    } catch {
      setMessage(t('unreachable'))
    } finally {
      setBusy(false)
    }
  }

  const disabled = settings?.enabled === false
  const stallLabel = settings
    ? t('stallFor', { seconds: String(Math.round(settings.stallMs / 100) / 10) })
    : null
  const chosenOption = faults.find((f) => f.kind === chosen)
  const blocked = disabled || busy || retryIn > 0 || connectionId === null || baseUrl === null

  return (
    <section
      aria-labelledby={titleId}
      data-testid="fault-panel"
      className="rounded-xl border border-rose-200 bg-white shadow-sm dark:border-rose-900/60 dark:bg-slate-900"
    >
      <div className="border-b border-rose-100 px-4 py-3 dark:border-rose-900/40">
        <h2 id={titleId} className="text-sm font-semibold">
          {t('title')}
        </h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{intro}</p>
      </div>
      <div className="space-y-3 px-4 py-3">
        {disabled ? (
          <p className="text-sm text-slate-600 dark:text-slate-300" data-testid="fault-disabled">
            {t.rich('disabled', RICH_TAGS)}
          </p>
        ) : (
          <div className="flex flex-wrap gap-2">
            {faults.map((option) => (
              <button
                key={option.kind}
                type="button"
                data-testid={`fault-${option.kind}`}
                disabled={blocked}
                onClick={() => void inject(option.kind)}
                className="rounded-md border border-rose-300 px-3 py-1.5 text-sm font-medium text-rose-800 hover:bg-rose-50 disabled:cursor-not-allowed disabled:opacity-50 dark:border-rose-800 dark:text-rose-200 dark:hover:bg-rose-950"
              >
                {labelOf(option, stallLabel)}
              </button>
            ))}
          </div>
        )}
        {!disabled && unavailable && (
          <p className="text-xs text-slate-500 dark:text-slate-400">{unavailable}</p>
        )}
        {retryIn > 0 && (
          <p
            role="status"
            data-testid="fault-retry"
            className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
          >
            {t('tooMany', { seconds: retryIn })}
          </p>
        )}
        {message && (
          <p
            role="alert"
            data-testid="fault-error"
            className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
          >
            {message}
            {needsSignIn && signIn && (
              <button
                type="button"
                onClick={() =>
                  void signIn.run().then(() => {
                    setMessage(null)
                    setNeedsSignIn(false)
                  })
                }
                className="ml-2 font-semibold underline"
              >
                {signIn.label}
              </button>
            )}
          </p>
        )}
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-3 lg:grid-cols-2">
          {observations.map((o) => (
            <div key={o.testId} className="flex justify-between gap-2">
              <dt className="text-slate-500 dark:text-slate-400">{o.label}</dt>
              <dd
                className="font-mono font-semibold tabular-nums"
                data-testid={o.testId}
                translate="no"
              >
                {o.value}
              </dd>
            </div>
          ))}
        </dl>
        {chosenOption && (
          <div>
            <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
              {t('watch', { fault: labelOf(chosenOption, stallLabel).toLowerCase() })}
            </h3>
            <ol className="mt-1 list-decimal space-y-0.5 pl-5 text-sm text-slate-700 dark:text-slate-300">
              {chosenOption.steps.map((step, i) => (
                <li key={i}>{step}</li>
              ))}
            </ol>
          </div>
        )}
        {timeline.length > 0 && (
          <ol
            aria-label={t('timeline')}
            aria-live="polite"
            data-testid="fault-timeline"
            className="space-y-0.5 border-t border-slate-100 pt-2 text-xs text-slate-600 dark:border-slate-800 dark:text-slate-300"
          >
            {timeline.map((entry, i) => (
              <li key={`${entry.at}-${i}`} className="flex gap-2">
                <span className="font-mono text-slate-500 tabular-nums dark:text-slate-400">
                  {formatTime(entry.at)}
                </span>
                <span>{entry.text}</span>
              </li>
            ))}
          </ol>
        )}
      </div>
    </section>
  )
}
