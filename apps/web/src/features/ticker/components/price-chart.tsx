'use client'

import { useEffect, useRef, useState } from 'react'
import { useFormatter } from 'next-intl'
import {
  AreaSeries,
  ColorType,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts'
import type { Quote, TickerHistory } from '@duplex/protocol/ticker'

const RISING = {
  lineColor: '#10b981',
  topColor: 'rgba(16,185,129,0.35)',
  bottomColor: 'rgba(16,185,129,0.02)',
}
const FALLING = {
  lineColor: '#f43f5e',
  topColor: 'rgba(244,63,94,0.3)',
  bottomColor: 'rgba(244,63,94,0.02)',
}

const toTime = (ts: number) => Math.floor(ts / 1000) as UTCTimestamp

/**
 * The chart's look, the same on every card. Every label keeps its whole text inside the canvas:
 * the price scale shows a top or bottom label only when all of it fits (`entireTextOnly`), margins
 * keep the line off both edges, and time labels are one weight (no bold minute marks) and one
 * format. The last price is in the card's header, so no price tag sits over the scale's labels.
 */
export const PRICE_CHART_OPTIONS = {
  rightPriceScale: {
    borderVisible: false,
    entireTextOnly: true,
    scaleMargins: { top: 0.12, bottom: 0.08 },
  },
  timeScale: {
    borderVisible: false,
    timeVisible: true,
    secondsVisible: true,
    allowBoldLabels: false,
    fixLeftEdge: true,
  },
} as const

/** Half the width of a time label ("19:31:38" at 10 px), in CSS pixels. */
const LABEL_HALF_WIDTH = 26

/** A price series chart (TradingView's lightweight-charts): history from the server, then live. */
export function PriceChart({
  symbol,
  quote,
  label,
}: {
  symbol: string
  quote: Quote | undefined
  label: string
}) {
  const format = useFormatter()
  // Read by the chart's formatters, which are set once per chart.
  const formatTime = (time: number) =>
    format.dateTime(new Date(time * 1000), {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
  const clock = useRef(formatTime)
  clock.current = formatTime
  const container = useRef<HTMLDivElement>(null)
  const chart = useRef<IChartApi | null>(null)
  const series = useRef<ISeriesApi<'Area'> | null>(null)
  const lastTime = useRef(0)
  /**
   * Live points that arrived before the history answered. The history is drawn with them on top
   * when it comes, instead of being dropped because its last point is older than theirs.
   */
  const early = useRef<{ time: UTCTimestamp; value: number }[] | null>([])
  const [points, setPoints] = useState(0)
  const [historyState, setHistoryState] = useState<'pending' | 'loaded' | 'failed'>('pending')

  useEffect(() => {
    const el = container.current
    if (!el) return
    const c = createChart(el, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: 'transparent' },
        textColor: '#64748b',
        attributionLogo: false,
        fontSize: 10,
      },
      grid: { vertLines: { visible: false }, horzLines: { color: 'rgba(100,116,139,0.15)' } },
      rightPriceScale: PRICE_CHART_OPTIONS.rightPriceScale,
      timeScale: {
        ...PRICE_CHART_OPTIONS.timeScale,
        // Every label in one format, the reader's 24-hour clock (a `Time` here is UTC seconds).
        // A label centred on a mark by the left edge would be cut in half ("9:31:38"): skip it.
        tickMarkFormatter: (time: UTCTimestamp) => {
          const x = chart.current?.timeScale().timeToCoordinate(time) ?? null
          return x !== null && x < LABEL_HALF_WIDTH ? '' : clock.current(time)
        },
      },
      localization: { timeFormatter: (time: UTCTimestamp) => clock.current(time) },
      handleScroll: false,
      handleScale: false,
      crosshair: { horzLine: { visible: false } },
    })
    const s = c.addSeries(AreaSeries, {
      ...RISING,
      lineWidth: 2,
      priceLineVisible: false,
      lastValueVisible: false,
    })
    chart.current = c
    series.current = s
    early.current = []
    lastTime.current = 0
    setHistoryState('pending')
    let cancelled = false
    fetch(`/api/ticker/history?symbol=${encodeURIComponent(symbol)}`)
      .then((r) => (r.ok ? (r.json() as Promise<TickerHistory>) : null))
      .then((history) => {
        if (cancelled) return
        const live = early.current ?? []
        early.current = null
        if (!history) {
          setHistoryState('failed')
          return
        }
        // One point per second: several ticks within a second collapse into the latest, and a
        // live point wins over the history's point of the same second.
        const bySecond = new Map<number, number>()
        for (const p of history.points) bySecond.set(toTime(p.ts), p.price)
        for (const p of live) bySecond.set(p.time, p.value)
        const data = [...bySecond]
          .sort(([a], [b]) => a - b)
          .map(([time, value]) => ({ time: time as UTCTimestamp, value }))
        s.setData(data)
        lastTime.current = Math.max(lastTime.current, data.at(-1)?.time ?? 0)
        setPoints(data.length)
        setHistoryState('loaded')
      })
      .catch(() => {
        if (!cancelled) setHistoryState('failed')
      })
    return () => {
      cancelled = true
      c.remove()
      chart.current = null
      series.current = null
    }
  }, [symbol])

  useEffect(() => {
    if (!quote || !series.current || quote.seq === 0) return
    const time = toTime(quote.ts)
    if (time < lastTime.current) return
    const newSecond = time > lastTime.current
    lastTime.current = time
    early.current?.push({ time, value: quote.price })
    series.current.update({ time, value: quote.price })
    series.current.applyOptions(quote.change >= 0 ? RISING : FALLING)
    if (newSecond) setPoints((n) => n + 1)
  }, [quote])

  return (
    <div
      ref={container}
      className="h-36 w-full"
      data-testid="price-chart"
      data-history={historyState}
      data-points={points}
      role="img"
      aria-label={label}
    />
  )
}
