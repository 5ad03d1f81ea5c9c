import WebSocket from 'ws'
import { binaryPayload, BENCH_SYMBOL } from '../lib/payload.ts'
import { now } from '../lib/net.ts'
import { closeWs } from './clients.ts'
import { b1SocketUrl } from './endpoints.ts'

/** The one publisher of a fan-out run: hands `count` messages (seqs from `firstSeq`) to its server. */
export interface Publisher {
  /** Resolves when the server has taken them (its answer, ack or, for fire-and-forget, at once). */
  publish(firstSeq: number, count: number): Promise<void>
  /** Bytes of one message's payload on the subscriber's wire (frame headers excluded). */
  payloadBytes: number
  /** The most messages one publish call should carry. */
  maxBatch: number
  close(): Promise<void>
}

export async function postJson(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status} ${await response.text()}`)
  await response.arrayBuffer()
}

/** Bytes of one bench tick as JSON: every text stack's payload. */
export const TICK_BYTES = JSON.stringify({
  symbol: BENCH_SYMBOL,
  price: 100,
  change: 0,
  ts: now(),
  seq: 1_000_000_000,
}).length

/** B2: `POST /publish`. */
export function b2Publisher(url: string): Publisher {
  return {
    publish: (firstSeq, count) => postJson(`${url}/publish`, { count, firstSeq }),
    payloadBytes: TICK_BYTES,
    maxBatch: 100,
    close: async () => {},
  }
}

/** B3 and better-sse take ticks the way B2 does: `POST /publish`. */
export const b3Publisher = b2Publisher
export const bssePublisher = b2Publisher

/** B1: a publisher socket; `{ op: 'publish' }` text commands, or raw binary payloads relayed as they are. */
export async function b1Publisher(url: string, binaryBytes?: number): Promise<Publisher> {
  const ws = new WebSocket(b1SocketUrl(url, 'pub'), { perMessageDeflate: false })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  const waiting: (() => void)[] = []
  ws.on('message', () => waiting.shift()?.())
  return {
    publish(firstSeq, count) {
      if (binaryBytes !== undefined) {
        for (let i = 0; i < count; i++) ws.send(binaryPayload(firstSeq + i, binaryBytes))
        return Promise.resolve()
      }
      return new Promise<void>((resolve) => {
        waiting.push(resolve)
        ws.send(JSON.stringify({ op: 'publish', count, firstSeq }))
      })
    },
    payloadBytes: binaryBytes ?? TICK_BYTES,
    maxBatch: 100,
    close: () => closeWs(ws),
  }
}
