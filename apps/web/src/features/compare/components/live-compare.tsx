'use client'

import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { TransportTag } from '@/shared/ui/transport-tag'
import { SignInCard } from '@/shared/ui/session/sign-in-card'
import { useRealtimeUrl } from '@/shared/hooks/use-realtime-url'
import { useSession } from '@/shared/hooks/use-session'
import { LiveChart } from './live-chart'
import { LEGS } from '../lib/legs'
import { IN_FLIGHT, SAMPLE_MS, TRANSPORTS, type Sample, type TransportId } from '../lib/transports'
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

  if (!session) return <SignInCard purpose="run the live comparison" />

  return (
    <section aria-labelledby="live-title" className="grid gap-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="live-title" className="text-lg font-semibold">
            Live: this browser → the servers → this browser
          </h2>
          <p className="mt-1 max-w-3xl text-sm text-slate-600 dark:text-slate-300">
            Each transport carries the same number of messages, {IN_FLIGHT} in flight at a time, one
            transport after the other. Latency is the round trip measured by this page.
          </p>
          <p className="mt-1 max-w-3xl text-sm text-slate-600 dark:text-slate-300">
            Why the SSE leg takes longest: SSE only streams from the server, so every message from
            this page goes up as its own HTTP <code>POST</code> (headers, routing, a response),
            while a WebSocket sends a small frame on a socket that is already open. That is the
            guide&apos;s decision tree in numbers: mostly server → client, choose SSE; much client →
            server traffic, choose a WebSocket.
          </p>
        </div>
        <div className="flex items-end gap-2">
          <label htmlFor={sizeId} className="grid gap-1 text-sm font-medium">
            Message count
            <select
              id={sizeId}
              value={messages}
              disabled={!hydrated || running !== null}
              onChange={(e) => setMessages(Number(e.target.value))}
              className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900"
            >
              {SIZES.map((n) => (
                <option key={n} value={n}>
                  {n.toLocaleString('en-US')}
                </option>
              ))}
            </select>
          </label>
          {running === null ? (
            <button
              type="button"
              onClick={() => void run()}
              disabled={!hydrated || !realtimeUrl}
              className="rounded-md bg-slate-900 px-4 py-2 text-sm font-semibold text-white hover:bg-slate-700 disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-white"
            >
              Run comparison
            </button>
          ) : (
            <button
              type="button"
              onClick={() => abort.current?.abort()}
              className="rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              Stop
            </button>
          )}
        </div>
      </div>

      <p role="status" aria-live="polite" className="text-sm text-slate-600 dark:text-slate-300">
        {running
          ? `Running ${TRANSPORTS.find((t) => t.id === running)?.label}…`
          : Object.keys(totals).length > 0
            ? 'Run finished.'
            : 'Press “Run comparison” to start.'}
      </p>

      <div className="grid gap-4 lg:grid-cols-2">
        <LiveChart label="Messages per second" samples={samples} pick={pickRate} unit="/s" />
        <LiveChart
          label="Round-trip latency (ms)"
          samples={samples}
          pick={pickLatency}
          unit=" ms"
        />
      </div>

      <div className="scroll-hint overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
        <table className="w-full text-left text-sm" data-testid="live-totals">
          <caption className="sr-only">Totals of the live run</caption>
          <TableHead
            columns={[
              { label: 'Transport' },
              { label: 'Path' },
              { label: 'Done', numeric: true },
              { label: 'Time', numeric: true },
              { label: 'msgs/s', numeric: true },
              { label: 'p50', numeric: true },
              { label: 'p99', numeric: true },
              { label: 'Dup', numeric: true },
            ]}
          />
          <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
            {TRANSPORTS.map((t) => {
              const total = totals[t.id]
              return (
                <tr key={t.id} data-transport={t.id}>
                  <th scope="row" className="px-3 py-2 font-medium whitespace-nowrap">
                    <span className="flex items-center gap-2">
                      <span
                        aria-hidden
                        className="size-2.5 rounded-full"
                        style={{ background: t.color }}
                      />
                      {t.label}
                      <TransportTag transport={t.id === 'sse' ? 'sse' : 'ws'} compact />
                    </span>
                  </th>
                  <td className="px-3 py-2 text-slate-600 dark:text-slate-300">{t.path}</td>
                  {total ? (
                    <>
                      <td className="px-3 py-2 text-right tabular-nums">
                        {total.completed.toLocaleString('en-US')} /{' '}
                        {total.messages.toLocaleString('en-US')}
                        {total.error && (
                          <span className="block text-xs text-rose-700 dark:text-rose-300">
                            {total.error}
                          </span>
                        )}
                      </td>
                      <td className="px-3 py-2 text-right tabular-nums">
                        {Math.round(total.ms)} ms
                      </td>
                      <td className="px-3 py-2 text-right tabular-nums">
                        {Math.round(total.completed / (total.ms / 1000)).toLocaleString('en-US')}
                      </td>
                      <td className="px-3 py-2 text-right tabular-nums">
                        {total.p50.toFixed(1)} ms
                      </td>
                      <td className="px-3 py-2 text-right tabular-nums">
                        {total.p99.toFixed(1)} ms
                      </td>
                      <td className="px-3 py-2 text-right tabular-nums">{total.duplicates}</td>
                    </>
                  ) : (
                    <td
                      colSpan={6}
                      className="px-3 py-2 text-right text-slate-500 dark:text-slate-400"
                    >
                      {running === t.id ? 'running…' : '—'}
                    </td>
                  )}
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </section>
  )
}
