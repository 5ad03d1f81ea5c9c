import { now } from './net.ts'

/**
 * The message every stack carries in the fan-out and flood runs, shaped like the ticker's `tick`
 * so the baselines move the same bytes as the product.
 */
export interface BenchTick {
  symbol: string
  price: number
  change: number
  /** Server clock when the message was handed to the sockets. */
  ts: number
  seq: number
}

/** The symbol the bench publishes on; the market of a bench server ticks it once a minute at most. */
export const BENCH_SYMBOL = 'AAPL'

/**
 * Seqs of bench ticks start here, far above any count the market reaches, so a reader can tell
 * them from the market's own ticks of the same symbol.
 */
export const BENCH_SEQ_BASE = 1_000_000_000

/** The two events of a Socket.IO round trip: a request the server acks, and its broadcast to the others. */
export interface SioRoundTripEvents {
  send: string
  broadcast: string
}

/** The bare Socket.IO server's round trip (bench/src/servers/sio-flood.ts). */
export const BARE_SIO_EVENTS = {
  send: 'publish',
  broadcast: 'published',
} as const satisfies SioRoundTripEvents

export function benchTick(seq: number): BenchTick {
  return { symbol: BENCH_SYMBOL, price: 100, change: 0, ts: now(), seq }
}

export function benchTickJson(seq: number): string {
  return JSON.stringify(benchTick(seq))
}

/** A Yjs-sized binary payload for the baseline: seq (u32) and sender time (f64), zero-padded. */
export function binaryPayload(seq: number, bytes: number): Buffer {
  const buffer = Buffer.alloc(Math.max(12, bytes))
  buffer.writeUInt32LE(seq, 0)
  buffer.writeDoubleLE(now(), 4)
  return buffer
}

export function readBinaryPayload(data: Uint8Array): { seq: number; ts: number } {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  return { seq: view.getUint32(0, true), ts: view.getFloat64(4, true) }
}
