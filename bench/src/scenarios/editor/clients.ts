import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { now } from '../../lib/net.ts'
import { sourceAddress, tokenFor, type Conn, type OnDelivery } from '../../load/clients.ts'
import type { ConnSpec } from '../../load/messages.ts'
import type { Publisher } from '../../load/publishers.ts'

/** A Yjs peer of the real realtime server; watches `bench` map key `m` = `[seq, ts]`. */
export interface YjsSpec extends ConnSpec {
  kind: 'yjs'
  doc: string
  secret: string
  user: string
}

export interface YjsConn extends Conn {
  doc: Y.Doc
  provider: WebsocketProvider
}

/** A `ws` WebSocket class bound to one source address, for y-websocket's `WebSocketPolyfill`. */
function boundWebSocket(localAddress: string) {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { localAddress, perMessageDeflate: false })
    }
  }
}

/**
 * A Yjs peer through y-websocket's WebsocketProvider. `viewer`: no awareness state of its own, as
 * a read-only viewer would have (otherwise every peer's presence is relayed to every other peer).
 * Resolves once synced.
 */
export async function openYjs(
  spec: YjsSpec,
  index: number,
  onDelivery: OnDelivery | undefined,
  viewer = true,
): Promise<YjsConn> {
  const doc = new Y.Doc()
  const awareness = new Awareness(doc)
  if (viewer) awareness.setLocalState(null)
  const token = await tokenFor(spec.user, spec.secret)
  if (onDelivery) {
    const map = doc.getMap<[number, number]>('bench')
    map.observe((event) => {
      if (!event.keysChanged.has('m')) return
      const value = map.get('m')
      if (value) onDelivery(value[0], value[1])
    })
  }
  const provider = new WebsocketProvider(`${spec.url.replace(/^http/, 'ws')}/yjs`, spec.doc, doc, {
    params: { token },
    awareness,
    disableBc: true,
    WebSocketPolyfill: boundWebSocket(
      sourceAddress(index),
    ) as unknown as typeof globalThis.WebSocket,
  })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`yjs ${spec.doc}: no sync in 30 s`)), 30_000)
    provider.once('sync', () => {
      clearTimeout(timer)
      resolve()
    })
  })
  return {
    doc,
    provider,
    close: async () => {
      const ws = provider.ws as unknown as WebSocket | null
      const closed =
        ws && ws.readyState !== WebSocket.CLOSED
          ? new Promise<void>((resolve) => ws.once('close', () => resolve()))
          : Promise.resolve()
      provider.destroy()
      awareness.destroy()
      doc.destroy()
      await closed
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
