'use client'

import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { useFormatter, useTranslations } from 'next-intl'
import { TransportTag } from '@/shared/ui/transport-tag'
import { SignInCard } from '@/shared/ui/session/sign-in-card'
import { useRealtimeUrl } from '@/shared/hooks/use-realtime-url'
import { useSession } from '@/shared/hooks/use-session'
import { LiveChart } from './live-chart'
import { LEGS } from '../lib/legs'
import { IN_FLIGHT, SAMPLE_MS, TRANSPORTS, type Sample, type TransportId } from '../lib/transports'
import { STACKED } from '../lib/stacked-table'
import { PhoneDisclosure } from './phone-disclosure'
import { TableHead } from './table-head'

interface Total {
  messages: number
  completed: number
  duplicates: number
  ms: number
  p50: number
  p99: number
  error?: string
}

const SIZES = [500, 1000, 2000, 5000] as const
const empty = () =>
  Object.fromEntries(TRANSPORTS.map((t) => [t.id, []])) as unknown as Record<TransportId, Sample[]>

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN
}

const pickRate = (s: Sample) => s.rate
const pickLatency = (s: Sample) => s.latencyMs

/**
 * The live half of /compare: the same N messages over SSE, Socket.IO and the Yjs socket, one
 * transport after the other, from this browser to the servers and back, charted as they go.
 */
export function LiveCompare() {
  const { session } = useSession()
  const t = useTranslations('compare.live')
  const format = useFormatter()
  const realtimeUrl = useRealtimeUrl()
  const [messages, setMessages] = useState<number>(1000)
  // The controls stay disabled until React has hydrated them: a choice made before that would be
  // reset to the default by hydration, and the run would silently use another size.
  const [hydrated, setHydrated] = useState(false)
  useEffect(() => setHydrated(true), [])
  const [running, setRunning] = useState<TransportId | null>(null)
  const [samples, setSamples] = useState(empty)
  const [totals, setTotals] = useState<Partial<Record<TransportId, Total>>>({})
  const abort = useRef<AbortController | null>(null)
  const sizeId = useId()

  const run = useCallback(async () => {
    if (!realtimeUrl) return
    const controller = new AbortController()
    abort.current = controller
    setSamples(empty())
    setTotals({})
    let index = 0
    for (const transport of TRANSPORTS) {
      if (controller.signal.aborted) break
      setRunning(transport.id)
      const latencies: number[] = []
      let duplicates = 0
      let windowCount = 0
      let windowLatency = 0
      const tick = setInterval(() => {
        const sample: Sample = {
          index: index++,
          rate: (windowCount * 1000) / SAMPLE_MS,
          latencyMs: windowCount > 0 ? windowLatency / windowCount : undefined,
        }
        windowCount = 0
        windowLatency = 0
        setSamples((prev) => ({ ...prev, [transport.id]: [...prev[transport.id], sample] }))
      }, SAMPLE_MS)
      const t0 = performance.now()
      let error: string | undefined
      try {
        await LEGS[transport.id](
          { realtimeUrl, messages },
          {
            signal: controller.signal,
            onDone(latencyMs) {
              latencies.push(latencyMs)
              windowCount++
              windowLatency += latencyMs
            },
            onDuplicate() {
              duplicates++
            },
          },
        )
      } catch (e) {
        error = e instanceof Error ? e.message : String(e)
      }
      const ms = performance.now() - t0
      clearInterval(tick)
      const sorted = [...latencies].sort((a, b) => a - b)
      setTotals((prev) => ({
        ...prev,
        [transport.id]: {
          messages,
          completed: latencies.length,
          duplicates,
          ms,
          p50: percentile(sorted, 0.5),
          p99: percentile(sorted, 0.99),
          ...(error ? { error } : {}),
        },
      }))
    }
    setRunning(null)
    abort.current = null
  }, [messages, realtimeUrl])

  if (!session) return <SignInCard purpose={t('signInPurpose')} autoFocus={false} />

  const number = (x: number, digits = 0) =>
    format.number(x, { minimumFractionDigits: digits, maximumFractionDigits: digits })
  const columns = {
    done: t('columns.done'),
    time: t('columns.time'),
    rate: t('columns.rate'),
    p50: t('columns.p50'),
    p99: t('columns.p99'),
    dup: t('columns.dup'),
  }
  const cell = `px-3 py-2 text-right tabular-nums ${STACKED.cell}`

  return (
    <section aria-labelledby="live-title" className="grid gap-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="grid gap-1">
          <h2 id="live-title" className="text-lg font-semibold">
            {t('title')}
          </h2>
          <p className="max-w-3xl text-sm text-slate-600 dark:text-slate-300">
            {t('intro', { inFlight: IN_FLIGHT })}
          </p>
          <PhoneDisclosure show={t('whyShow')} hide={t('whyHide')}>
            <p className="max-w-3xl text-sm text-slate-600 dark:text-slate-300">
              {t.rich('why', { code: (chunks) => <code>{chunks}</code> })}
            </p>
          </PhoneDisclosure>
        </div>
        <div className="flex items-end gap-2">
          <label htmlFor={sizeId} className="grid gap-1 text-sm font-medium">
            {t('count')}
            <select
              id={sizeId}
              value={messages}
              disabled={!hydrated || running !== null}
              onChange={(e) => setMessages(Number(e.target.value))}
              className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900"
            >
              {SIZES.map((n) => (
                <option key={n} value={n}>
                  {number(n)}
                </option>
              ))}
            </select>
          </label>
          {running === null ? (
            <button
              type="button"
              data-testid="compare-run"
              onClick={() => void run()}
              disabled={!hydrated || !realtimeUrl}
              className="rounded-md bg-slate-900 px-4 py-2 text-sm font-semibold text-white hover:bg-slate-700 disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-white"
            >
              {t('run')}
            </button>
          ) : (
            <button
              type="button"
              onClick={() => abort.current?.abort()}
              className="rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              {t('stop')}
            </button>
          )}
        </div>
      </div>

      <p role="status" aria-live="polite" className="text-sm text-slate-600 dark:text-slate-300">
        {running
          ? t('running', { transport: TRANSPORTS.find((x) => x.id === running)?.label ?? '' })
          : Object.keys(totals).length > 0
            ? t('finished')
            : t('idle')}
      </p>

      <div className="grid gap-4 lg:grid-cols-2">
        <LiveChart label={t('chart.rate')} samples={samples} pick={pickRate} unit="/s" />
        <LiveChart label={t('chart.latency')} samples={samples} pick={pickLatency} unit=" ms" />
      </div>

      <div className="scroll-hint overflow-x-auto rounded-lg border border-slate-200 max-sm:overflow-visible dark:border-slate-800">
        <table className={`w-full text-left text-sm ${STACKED.table}`} data-testid="live-totals">
          <caption className="sr-only">{t('caption')}</caption>
          <TableHead
            className={STACKED.head}
            columns={[
              { label: t('columns.transport') },
              { label: t('columns.path') },
              { label: columns.done, numeric: true },
              { label: columns.time, numeric: true },
              { label: columns.rate, numeric: true },
              { label: columns.p50, numeric: true },
              { label: columns.p99, numeric: true },
              { label: columns.dup, numeric: true },
            ]}
          />
          <tbody className={`divide-y divide-slate-200 dark:divide-slate-800 ${STACKED.body}`}>
            {TRANSPORTS.map((transport) => {
              const total = totals[transport.id]
              // Every cell is there before a run too ("—"), so a phone's card keeps its shape.
              const pending = running === transport.id ? t('rowRunning') : '—'
              return (
                <tr key={transport.id} data-transport={transport.id} className={STACKED.row}>
                  <th
                    scope="row"
                    className={`px-3 py-2 font-medium whitespace-nowrap ${STACKED.wide}`}
                  >
                    <span className="flex items-center gap-2">
                      <span
                        aria-hidden
                        className="size-2.5 rounded-full"
                        style={{ background: transport.color }}
                      />
                      {transport.label}
                      <TransportTag transport={transport.id === 'sse' ? 'sse' : 'ws'} compact />
                    </span>
                  </th>
                  <td
                    data-label={t('columns.path')}
                    className={`px-3 py-2 text-slate-600 dark:text-slate-300 ${STACKED.cell} max-sm:col-span-2`}
                  >
                    {t(`paths.${transport.id}`)}
                  </td>
                  <td data-column="done" data-label={columns.done} className={cell}>
                    {total ? (
                      <span>
                        {number(total.completed)} / {number(total.messages)}
                        {total.error && (
                          <span className="block text-xs text-rose-700 dark:text-rose-300">
                            {total.error}
                          </span>
                        )}
                      </span>
                    ) : (
                      pending
                    )}
                  </td>
                  <td data-column="time" data-label={columns.time} className={cell}>
                    {total ? t('ms', { ms: number(total.ms) }) : '—'}
                  </td>
                  <td data-column="rate" data-label={columns.rate} className={cell}>
                    {total ? number(total.completed / (total.ms / 1000)) : '—'}
                  </td>
                  <td data-column="p50" data-label={columns.p50} className={cell}>
                    {total ? t('ms', { ms: number(total.p50, 1) }) : '—'}
                  </td>
                  <td data-column="p99" data-label={columns.p99} className={cell}>
                    {total ? t('ms', { ms: number(total.p99, 1) }) : '—'}
                  </td>
                  <td data-column="dup" data-label={columns.dup} className={cell}>
                    {total ? total.duplicates : '—'}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </section>
  )
}
