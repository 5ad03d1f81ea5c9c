import type { HistogramData } from '../lib/histogram.ts'

/** How one load connection reaches its server and reads deliveries from it. */
export type ConnSpec =
  /** An event stream (Next route or B2); `tick` events carry `{ seq, ts }`. */
  | { kind: 'sse'; url: string }
  /** A raw WebSocket (B1); text `{ seq, ts }` or a binary bench payload. */
  | { kind: 'ws'; url: string }
  /** Socket.IO without auth (the flood server); `tick` events. */
  | { kind: 'sio'; url: string }
  /** A chat member of the real realtime server; `room-message` whose text holds `{ seq }`. */
  | { kind: 'sio-chat'; url: string; room: string; secret: string; user: string }
  /** A Yjs peer of the real realtime server; watches `bench` map key `m` = `[seq, ts]`. */
  | { kind: 'yjs'; url: string; doc: string; secret: string; user: string }

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

export type TaskName = 'flood' | 'chat-rtt' | 'ws-echo' | 'yjs-latency' | 'yjs-trace' | 'yjs-reload'

export type ToWorker =
  | { type: 'open'; id: number; spec: ConnSpec; count: number; addressOffset: number }
  | { type: 'expect'; id: number; firstSeq: number; count: number }
  | { type: 'collect'; id: number }
  | { type: 'close'; id: number }
  | { type: 'progress'; id: number; everyMs: number }
  | { type: 'task'; id: number; name: TaskName; params: Record<string, unknown> }

export type FromWorker =
  | { type: 'reply'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string }
  /** Pushed while progress is on: the fewest expected messages any connection of this worker has. */
  | { type: 'min'; minDelivered: number }
