import type { Histogram } from '../lib/histogram.ts'
import type { LatencySummary } from '../results.ts'

export const round = (x: number, digits = 3) =>
  Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : 0

export const summary = (h: Histogram): LatencySummary => ({
  n: h.count,
  p50Ms: round(h.quantile(0.5)),
  p99Ms: round(h.quantile(0.99)),
  maxMs: round(h.maxMs),
})
