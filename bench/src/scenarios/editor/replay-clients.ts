import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { sourceAddress, tokenFor } from '../../load/clients.ts'

/** The Yjs servers a trace is replayed through. */
export type ReplayServer = 'duplex' | 'y-websocket' | 'hocuspocus'

export interface ReplayTarget {
  server: ReplayServer
  /** The server's http:// base URL. */
  url: string
  /** Duplex only: the session secret its tokens are signed with. */
  secret?: string
}

/** One provider on one document: its text, how many times its connection closed, and close. */
export interface ReplayPeer {
  doc: Y.Doc
  text: Y.Text
  /** Times the connection closed after the first sync (the provider then reconnects). */
  dropped(): number
  close(): Promise<void>
}

function boundWebSocket(localAddress: string) {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { localAddress, perMessageDeflate: false })
    }
  }
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no sync in ${ms / 1000} s`)), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error instanceof Error ? error : new Error(String(error)))
      },
    )
  })
}

/**
 * A real provider of `target` on `doc`: y-websocket's `WebsocketProvider` for Duplex (`/yjs`,
 * with a session token) and the bare `@y/websocket-server`, `HocuspocusProvider` for Hocuspocus.
 * `present`: an awareness state of its own, as a person with the document open has (it is
 * relayed to the other peers and renewed every 15 s); otherwise a viewer with none. Resolves
 * once synced.
 */
export async function openReplayPeer(
  target: ReplayTarget,
  doc: string,
  index: number,
  present: boolean,
): Promise<ReplayPeer> {
  const ydoc = new Y.Doc()
  const awareness = new Awareness(ydoc)
  awareness.setLocalState(present ? { user: { name: `bench-${index}` } } : null)
  const WebSocketPolyfill = boundWebSocket(sourceAddress(index))
  const ws = target.url.replace(/^http/, 'ws')
  let synced = false
  let dropped = 0
  const onClose = () => {
    if (synced) dropped++
  }

  if (target.server === 'hocuspocus') {
    const socket = new HocuspocusProviderWebsocket({ url: ws, WebSocketPolyfill, onClose })
    const provider = new HocuspocusProvider({
      websocketProvider: socket,
      name: doc,
      document: ydoc,
      awareness,
    })
    // A provider handed its socket (to pass the polyfill) does not attach itself to it.
    provider.attach()
    await within(
      new Promise<void>((resolve) => provider.on('synced', () => resolve())),
      30_000,
      `hocuspocus ${doc}`,
    )
    synced = true
    return {
      doc: ydoc,
      text: ydoc.getText('content'),
      dropped: () => dropped,
      close: async () => {
        synced = false
        provider.destroy()
        socket.destroy()
        awareness.destroy()
        ydoc.destroy()
        await Promise.resolve()
      },
    }
  }

  const params: Record<string, string> =
    target.server === 'duplex' ? { token: await tokenFor('bench-viewer', target.secret ?? '') } : {}
  const provider = new WebsocketProvider(target.server === 'duplex' ? `${ws}/yjs` : ws, doc, ydoc, {
    params,
    awareness,
    disableBc: true,
    WebSocketPolyfill: WebSocketPolyfill as unknown as typeof globalThis.WebSocket,
  })
  provider.on('connection-close', onClose)
  await within(
    new Promise<void>((resolve) => provider.once('sync', () => resolve())),
    30_000,
    `${target.server} ${doc}`,
  )
  synced = true
  return {
    doc: ydoc,
    text: ydoc.getText('content'),
    dropped: () => dropped,
    close: async () => {
      const socket = provider.ws as unknown as WebSocket | null
      const closed =
        socket && socket.readyState !== WebSocket.CLOSED
          ? new Promise<void>((resolve) => socket.once('close', () => resolve()))
          : Promise.resolve()
      synced = false
      provider.destroy()
      awareness.destroy()
      ydoc.destroy()
      await closed
    },
  }
}
