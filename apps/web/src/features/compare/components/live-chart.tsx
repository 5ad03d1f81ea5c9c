'use client'

import { useEffect, useRef } from 'react'
import { useFormatter, useTranslations } from 'next-intl'
import {
  ColorType,
  LineSeries,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts'
import { SAMPLE_MS, TRANSPORTS, type Sample, type TransportId } from '../lib/transports'

/** Points across the x axis: per mille of each transport's own run. */
const AXIS = 1000

/**
 * One live line chart per measure, one line per transport (TradingView's lightweight-charts).
 * The legs run one after the other and take very different times (SSE upstream is a POST per
 * message), so each line is spread over its own run: x is the share of that transport's run,
 * 0–100 %, and a 2 s WebSocket leg is as wide as a 30 s SSE leg. Names are in a legend, not on the
 * price scale, where they overlap.
 */
export function LiveChart({
  label,
  samples,
  pick,
  unit,
}: {
  label: string
  samples: Record<TransportId, Sample[]>
  pick: (s: Sample) => number | undefined
  unit: string
}) {
  const t = useTranslations('compare.live.chart')
  const format = useFormatter()
  // The chart's formatters are set once per chart; they read the current words through a ref.
  const words = {
    share: (time: number) => format.number(time / AXIS, { style: 'percent' }),
    ofRun: (share: string) => t('ofRun', { share }),
    value: (value: number) =>
      `${format.number(value, { maximumFractionDigits: value >= 100 ? 0 : 1, minimumFractionDigits: value >= 100 ? 0 : 1 })}${unit}`,
  }
  const wordsRef = useRef(words)
  wordsRef.current = words
  const container = useRef<HTMLDivElement>(null)
  const chart = useRef<IChartApi | null>(null)
  const series = useRef<Partial<Record<TransportId, ISeriesApi<'Line'>>>>({})

  useEffect(() => {
    const el = container.current
    if (!el) return
    const c = createChart(el, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: 'transparent' },
        textColor: '#64748b',
        attributionLogo: false,
        fontSize: 11,
      },
      grid: { vertLines: { visible: false }, horzLines: { color: 'rgba(100,116,139,0.15)' } },
      // Whole labels only, off the edges, all of one weight (see the ticker's PriceChart).
      rightPriceScale: {
        borderVisible: false,
        entireTextOnly: true,
        scaleMargins: { top: 0.12, bottom: 0.08 },
      },
      timeScale: {
        borderVisible: false,
        allowBoldLabels: false,
        tickMarkFormatter: (time: UTCTimestamp) => wordsRef.current.share(time),
      },
      localization: {
        timeFormatter: (time: UTCTimestamp) => wordsRef.current.ofRun(wordsRef.current.share(time)),
        priceFormatter: (value: number) => wordsRef.current.value(value),
      },
      handleScroll: false,
      handleScale: false,
    })
    for (const t of TRANSPORTS) {
      series.current[t.id] = c.addSeries(LineSeries, {
        color: t.color,
        lineWidth: 2,
        priceLineVisible: false,
        lastValueVisible: false,
      })
    }
    chart.current = c
    return () => {
      c.remove()
      chart.current = null
      series.current = {}
    }
  }, [unit])

  useEffect(() => {
    for (const t of TRANSPORTS) {
      const own = samples[t.id]
      // Several samples may share a per-mille slot on a long run; the latest one wins.
      const bySlot = new Map<number, number>()
      own.forEach((sample, k) => {
        const value = pick(sample)
        if (value === undefined) return
        bySlot.set(own.length > 1 ? Math.round((k / (own.length - 1)) * AXIS) : 0, value)
      })
      series.current[t.id]?.setData(
        [...bySlot].map(([time, value]) => ({ time: time as UTCTimestamp, value })),
      )
    }
    chart.current?.timeScale().fitContent()
  }, [samples, pick])

  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
      <figcaption className="mb-1 text-sm font-medium text-slate-700 dark:text-slate-300">
        {label}
      </figcaption>
      <div ref={container} className="h-44 w-full sm:h-56" role="img" aria-label={label} />
      {/* Room for two lines, so the run times that arrive later never push the page down. */}
      <ul
        aria-label={t('legend')}
        className="mt-2 flex min-h-9 flex-wrap content-start gap-x-4 gap-y-1 text-xs"
      >
        {TRANSPORTS.map((transport) => {
          const seconds = (samples[transport.id].length * SAMPLE_MS) / 1000
          return (
            <li
              key={transport.id}
              className="flex items-center gap-1.5 text-slate-700 dark:text-slate-300"
            >
              <span
                aria-hidden
                className="h-0.5 w-4 rounded"
                style={{ backgroundColor: transport.color }}
              />
              {transport.label}
              {seconds > 0 && (
                <span className="text-slate-500 dark:text-slate-400">
                  ·{' '}
                  {t('seconds', {
                    seconds: format.number(seconds, {
                      minimumFractionDigits: 1,
                      maximumFractionDigits: 1,
                    }),
                  })}
                </span>
              )}
            </li>
          )
        })}
      </ul>
      <p className="mt-1 text-[11px] text-slate-500 dark:text-slate-400">{t('axisNote')}</p>
    </figure>
  )
}
