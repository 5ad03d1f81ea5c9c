'use client'

import { useEffect, useRef } from 'react'
import {
  ColorType,
  LineSeries,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts'
import { SAMPLE_MS, TRANSPORTS, type Sample, type TransportId } from '../lib/transports'

/**
 * One live line chart per measure, one line per transport (TradingView's lightweight-charts).
 * The x axis counts samples of {@link SAMPLE_MS}; the labels turn them back into seconds.
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
  const container = useRef<HTMLDivElement>(null)
  const chart = useRef<IChartApi | null>(null)
  const series = useRef<Partial<Record<TransportId, ISeriesApi<'Line'>>>>({})

  useEffect(() => {
    const el = container.current
    if (!el) return
    const seconds = (index: number) => `${((index * SAMPLE_MS) / 1000).toFixed(1)} s`
    const c = createChart(el, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: 'transparent' },
        textColor: '#64748b',
        attributionLogo: false,
        fontSize: 11,
      },
      grid: { vertLines: { visible: false }, horzLines: { color: 'rgba(100,116,139,0.15)' } },
      rightPriceScale: { borderVisible: false },
      timeScale: {
        borderVisible: false,
        tickMarkFormatter: (time: UTCTimestamp) => seconds(time),
      },
      localization: {
        timeFormatter: (time: UTCTimestamp) => seconds(time),
        priceFormatter: (value: number) => `${value.toFixed(value >= 100 ? 0 : 1)}${unit}`,
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
        title: t.label,
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
      const points = samples[t.id].flatMap((s) => {
        const value = pick(s)
        return value === undefined ? [] : [{ time: s.index as UTCTimestamp, value }]
      })
      series.current[t.id]?.setData(points)
    }
    chart.current?.timeScale().fitContent()
  }, [samples, pick])

  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
      <figcaption className="mb-1 text-sm font-medium text-slate-700 dark:text-slate-300">
        {label}
      </figcaption>
      <div ref={container} className="h-56 w-full" role="img" aria-label={label} />
    </figure>
  )
}
