/**
 * Latency histogram with 1 % wide buckets (log scale) from 1 µs to ~16 minutes: percentiles are
 * exact to within 1 %, the state is a few KB whatever the count, and histograms from several
 * processes merge by adding buckets.
 */
const GROWTH = 1.01
const LOG_GROWTH = Math.log(GROWTH)
const BUCKETS = 2100

export interface HistogramData {
  /** bucket index → count, only non-empty buckets. */
  buckets: Record<string, number>
  count: number
  minMs: number
  maxMs: number
  sumMs: number
}

export class Histogram {
  private readonly counts = new Uint32Array(BUCKETS)
  count = 0
  minMs = Infinity
  maxMs = 0
  sumMs = 0

  record(ms: number): void {
    const value = ms > 0 ? ms : 0
    const micros = value * 1000
    const index = micros <= 1 ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(micros) / LOG_GROWTH))
    this.counts[index] = (this.counts[index] ?? 0) + 1
    this.count++
    this.sumMs += value
    if (value < this.minMs) this.minMs = value
    if (value > this.maxMs) this.maxMs = value
  }

  merge(data: HistogramData): void {
    for (const [index, count] of Object.entries(data.buckets)) {
      const i = Number(index)
      this.counts[i] = (this.counts[i] ?? 0) + count
    }
    this.count += data.count
    this.sumMs += data.sumMs
    if (data.count > 0) {
      this.minMs = Math.min(this.minMs, data.minMs)
      this.maxMs = Math.max(this.maxMs, data.maxMs)
    }
  }

  /** The value at quantile `q` (0–1): the upper edge of its bucket, capped at the true max. */
  quantile(q: number): number {
    if (this.count === 0) return NaN
    const rank = Math.max(1, Math.ceil(q * this.count))
    let seen = 0
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0
      if (seen >= rank) return Math.min(this.maxMs, GROWTH ** i / 1000)
    }
    return this.maxMs
  }

  toJSON(): HistogramData {
    const buckets: Record<string, number> = {}
    this.counts.forEach((count, i) => {
      if (count > 0) buckets[i] = count
    })
    return {
      buckets,
      count: this.count,
      minMs: this.count > 0 ? this.minMs : 0,
      maxMs: this.maxMs,
      sumMs: this.sumMs,
    }
  }

  static from(parts: HistogramData[]): Histogram {
    const h = new Histogram()
    for (const part of parts) h.merge(part)
    return h
  }
}
