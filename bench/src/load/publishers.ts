import { io } from 'socket.io-client'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { binaryPayload, BENCH_SYMBOL } from '../lib/payload.ts'
import { now } from '../lib/net.ts'
import { closeWs, openYjs, tokenFor } from './clients.ts'
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

async function postJson(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body) })
  if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status} ${await response.text()}`)
  await response.arrayBuffer()
}

const TICK_BYTES = JSON.stringify({
  symbol: BENCH_SYMBOL,
  price: 100,
  change: 0,
  ts: now(),
  seq: 1_000_000_000,
}).length

/** Next's ticker route: `POST /api/bench/ticker` → the hub's own `publish`. */
export function nextPublisher(url: string): Publisher {
  return {
    publish: (firstSeq, count) =>
      postJson(`${url}/api/bench/ticker`, { symbol: BENCH_SYMBOL, count, firstSeq }),
    payloadBytes: TICK_BYTES,
    maxBatch: 100,
    close: async () => {},
  }
}

/** B2: `POST /publish`. */
export function b2Publisher(url: string): Publisher {
  return {
    publish: (firstSeq, count) => postJson(`${url}/publish`, { count, firstSeq }),
    payloadBytes: TICK_BYTES,
    maxBatch: 100,
    close: async () => {},
  }
}

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

/** A chat member of the real realtime server that sends `send-message` and waits for each ack. */
export async function chatPublisher(url: string, secret: string, room: string): Promise<Publisher> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { token: await tokenFor('bench-publisher', secret) },
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  const joined = (await socket.emitWithAck('join-room', { roomId: room })) as { ok: boolean }
  if (!joined.ok) throw new Error('publisher could not join the room')
  let sample = 0
  return {
    async publish(firstSeq, count) {
      const acks: Promise<{ ok: boolean; error?: { message: string }; message?: unknown }>[] = []
      for (let i = 0; i < count; i++) {
        acks.push(
          socket.emitWithAck('send-message', {
            roomId: room,
            text: JSON.stringify({ seq: firstSeq + i }),
            clientId: `p${firstSeq + i}`,
          }),
        )
      }
      for (const ack of await Promise.all(acks)) {
        if (!ack.ok) throw new Error(`send-message refused: ${ack.error?.message}`)
        sample ||= JSON.stringify(ack.message).length
      }
    },
    get payloadBytes() {
      return sample
    },
    maxBatch: 100,
    close: async () => {
      socket.disconnect()
    },
  }
}

/** A Yjs editor: one transaction (one update) per message, setting `bench.m = [seq, ts]`. */
export async function yjsPublisher(url: string, secret: string, doc: string): Promise<Publisher> {
  const editor = await openYjs(
    { kind: 'yjs', url, doc, secret, user: 'bench-editor' },
    0,
    undefined,
    false,
  )
  const map = editor.doc.getMap<[number, number]>('bench')
  return {
    publish(firstSeq, count) {
      for (let i = 0; i < count; i++) map.set('m', [firstSeq + i, now()])
      return Promise.resolve()
    },
    payloadBytes: yjsUpdateBytes(),
    maxBatch: 100,
    close: () => editor.close(),
  }
}

/**
 * Size of the y-websocket frame that carries one `bench.m = [seq, ts]` update (sync message type
 * and update type add two bytes), so the raw baseline can relay the same number of bytes.
 */
export function yjsUpdateBytes(): number {
  const doc = new Y.Doc()
  const map = doc.getMap<[number, number]>('bench')
  map.set('m', [0, 0])
  let bytes = 0
  doc.on('update', (update: Uint8Array) => (bytes = update.length))
  map.set('m', [1_000_000_001, now()])
  doc.destroy()
  return bytes + 3
}
