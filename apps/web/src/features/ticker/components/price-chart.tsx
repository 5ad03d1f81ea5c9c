'use client'

import { useEffect, useRef } from 'react'
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

/** A price series chart (TradingView's lightweight-charts): history from the server, then live. */
export function PriceChart({ symbol, quote }: { symbol: string; quote: Quote | undefined }) {
  const container = useRef<HTMLDivElement>(null)
  const chart = useRef<IChartApi | null>(null)
  const series = useRef<ISeriesApi<'Area'> | null>(null)
  const lastTime = useRef(0)

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
      rightPriceScale: { borderVisible: false },
      timeScale: { borderVisible: false, timeVisible: true, secondsVisible: true },
      handleScroll: false,
      handleScale: false,
      crosshair: { horzLine: { visible: false } },
    })
    const s = c.addSeries(AreaSeries, {
      ...RISING,
      lineWidth: 2,
      priceLineVisible: false,
    })
    chart.current = c
    series.current = s
    let cancelled = false
    fetch(`/api/ticker/history?symbol=${encodeURIComponent(symbol)}`)
      .then((r) => (r.ok ? (r.json() as Promise<TickerHistory>) : null))
      .then((history) => {
        if (cancelled || !history) return
        // One point per second: several ticks within a second collapse into the latest.
        const bySecond = new Map<number, number>()
        for (const p of history.points) bySecond.set(toTime(p.ts), p.price)
        const data = [...bySecond].map(([time, value]) => ({ time: time as UTCTimestamp, value }))
        const latest = data.at(-1)
        if (latest && latest.time >= lastTime.current) {
          s.setData(data)
          lastTime.current = latest.time
        }
      })
      .catch(() => {})
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
    lastTime.current = time
    series.current.update({ time, value: quote.price })
    series.current.applyOptions(quote.change >= 0 ? RISING : FALLING)
  }, [quote])

  return (
    <div
      ref={container}
      className="h-36 w-full"
      role="img"
      aria-label={`Price chart of ${symbol}${quote ? `, last ${quote.price}` : ''}`}
    />
  )
}
