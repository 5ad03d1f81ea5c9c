import type { HistogramData } from '../lib/histogram.ts'

/**
 * How one load connection reaches its server and reads deliveries from it. `kind` names the
 * worker connector that opens it (load/baseline-tasks.ts, bench/src/scenarios/<demo>/tasks.ts):
 * `sse` an event stream whose `tick` events carry `{ seq, ts }` (Next route or B2), `ws` a raw
 * WebSocket (B1), `sio` Socket.IO without auth (the flood server); a demo's kinds add fields.
 */
export interface ConnSpec {
  kind: string
  url: string
}

export interface DeliveryStats {
  connections: number
  /** Distinct expected messages received, summed over connections. */
  delivered: number
  duplicates: number
  /** Expected messages that never arrived, summed over connections. */
  missing: number
  /** Messages outside the expected range (the market's own ticks, hello frames…): ignored. */
  other: number
  /** Time of the last expected delivery (host clock, ms). */
  lastAt: number
  latency: HistogramData
}

export type ToWorker =
  | { type: 'open'; id: number; spec: ConnSpec; count: number; addressOffset: number }
  | { type: 'expect'; id: number; firstSeq: number; count: number }
  | { type: 'collect'; id: number }
  | { type: 'close'; id: number }
  | { type: 'progress'; id: number; everyMs: number }
  | { type: 'task'; id: number; name: string; params: Record<string, unknown> }

export type FromWorker =
  | { type: 'reply'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string }
  /** Pushed while progress is on: the fewest expected messages any connection of this worker has. */
  | { type: 'min'; minDelivered: number }
