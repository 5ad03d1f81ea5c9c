import { COLLAB_PATH, CollabCloseCode, DocNameSchema } from '@duplex/protocol/collab'
import type { SessionUser } from '@duplex/protocol/session'
import {
  docs,
  getYDoc,
  setPersistence,
  setupWSConnection,
  type WSSharedDoc,
} from '@y/websocket-server/utils'
import type { IncomingMessage, Server as HttpServer } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import * as Y from 'yjs'
import { tokenFromRequest } from '../../shared/http.ts'
import type { VerifyToken } from '../../shared/feature.ts'
import type { Logger } from '../../shared/log.ts'
import type { Metrics } from '../../shared/metrics.ts'
import type { OriginPolicy } from '../../shared/origins.ts'
import type { DocStore } from './repository.ts'
import { createAppendBatcher } from './append-batcher.ts'
import { FROM_RELAY, type DocRelay } from './doc-relay.ts'
import { createFrameCache, sendFramedOnce } from './framed-send.ts'

export interface CollabDeps {
  store: DocStore
  /** Checks a session token (see `verifySessionToken` in @duplex/auth). */
  verifyToken: VerifyToken
  originPolicy: OriginPolicy
  /** `YJS_COMPACT_AFTER`: merge a document's stored updates into one after this many new ones. */
  compactAfter: number
  metrics: Metrics
  log: Logger
  /**
   * Cluster mode: shares updates and awareness with the other instances that have a document open
   * (see `createDocRelay`). Created by the caller with `ignoreOrigins: [FROM_STORAGE]`.
   */
  relay?: DocRelay
}

export interface Collab {
  /** Open Yjs connections. */
  connectionCount(): number
  /** Closes every connection, writes every document to storage (compacted), and detaches. */
  stop(): Promise<void>
}

/** Largest Yjs frame accepted; a big paste is a few MB, anything beyond is a broken client. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024

/** How long connections get to answer a close frame before they are cut. */
const CLOSE_GRACE_MS = 2000

/** Transaction origin of state loaded from storage: it is stored already, so it is not written again. */
export const FROM_STORAGE = Symbol('duplex:from-storage')

/**
 * @y/websocket-server keeps its documents and its persistence hook in module globals, so only one
 * collab server can be attached per process at a time.
 */
let attached = false

/**
 * Collaborative editing (guide section 5.3) with Yjs: `ws://<host>/yjs/<docName>` speaks the
 * y-websocket protocol through @y/websocket-server's `setupWSConnection`, so a plain
 * `new WebsocketProvider('ws://host:3001/yjs', docName, doc)` connects. Awareness (cursors) is
 * relayed by the same code.
 *
 * The upgrade is refused with an HTTP status, before the WebSocket exists, when the session is
 * missing or invalid (401), the origin is not allowed (403) or the name is bad (400): a refused
 * client never receives a byte of the document.
 *
 * Every update is appended to storage as it happens; a document's updates are merged into one
 * after `compactAfter` new ones and when its last client leaves, so a restart keeps everything and
 * loading stays cheap.
 *
 * @example
 * const collab = attachCollab(httpServer, { store, verifyToken, originPolicy, compactAfter: 200, metrics, log })
 * await collab.stop()
 */
export function attachCollab(httpServer: HttpServer, deps: CollabDeps): Collab {
  if (attached) {
    throw new Error(
      'attachCollab: a collab server is already attached in this process; ' +
        '@y/websocket-server shares its documents between all of them. Stop the other one first.',
    )
  }
  attached = true
  const { store, metrics, log, relay } = deps
  // No compression: Yjs updates are small and binary, and framed sends rely on it (framed-send.ts).
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
  })
  const frames = createFrameCache()
  const connections = new Set<WebSocket>()
  const loading = new WeakMap<Y.Doc, Promise<void>>()
  const pending = new Set<Promise<unknown>>()
  const updatesSinceCompaction = new Map<string, number>()
  const compacting = new Map<string, Promise<void>>()
  let stopping = false
  let stopped: Promise<void> | undefined

  /** Keeps a write in `pending` until it settles, so stop() can wait for it. */
  function track(promise: Promise<unknown>): void {
    pending.add(promise)
    const remove = () => pending.delete(promise)
    promise.then(remove, (error: unknown) => {
      remove()
      log.error('[collab] storage write failed', error)
    })
  }

  function compact(name: string): Promise<void> {
    const running = compacting.get(name)
    if (running) return running
    updatesSinceCompaction.set(name, 0)
    const run = store
      .compactDoc(name, mergeUpdates)
      .then(() => undefined)
      .finally(() => compacting.delete(name))
    compacting.set(name, run)
    return run
  }

  // Rows, not updates, count towards compaction: a batch of updates is one row.
  const appends = createAppendBatcher(store, (name) => {
    const count = (updatesSinceCompaction.get(name) ?? 0) + 1
    updatesSinceCompaction.set(name, count)
    if (count >= deps.compactAfter) return compact(name)
  })

  setPersistence({
    provider: store,
    bindState(name: string, doc: WSSharedDoc) {
      const ready = (async () => {
        // Subscribed before loading: an update another instance makes meanwhile arrives either
        // in storage or on the channel (both is fine: applying an update twice changes nothing).
        await relay?.attach(name, doc)
        await store.createDoc(name)
        const updates = await store.loadDocUpdates(name)
        if (updates.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(updates), FROM_STORAGE)
        // Updates other instances have made but not stored yet come as answers to this.
        relay?.requestSync(name, doc)
      })()
      loading.set(doc, ready)
      ready.catch((error: unknown) => {
        log.error(`[collab] loading ${name} failed`, error)
        // Drop the broken instance so the next connection tries again instead of failing forever.
        if (docs.get(name) === doc) docs.delete(name)
        relay?.detach(name, doc)
        doc.destroy()
      })
      // Registered at once, not after loading: an edit that arrives early must be stored too.
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        // Loaded state is stored already; a relayed update is stored by the instance it was made on.
        if (origin === FROM_STORAGE || origin === FROM_RELAY) return
        // Updates of one turn share a row; only the one that opens it has a write to track.
        const write = appends.append(name, update, ready)
        if (write) track(write)
      })
    },
    writeState(name: string, doc: WSSharedDoc) {
      // Called when the last client leaves; the library destroys the document afterwards.
      const write = (async () => {
        // Appends still in flight must land before their rows are merged away.
        await Promise.allSettled([...pending])
        await flush(name, doc)
        updatesSinceCompaction.delete(name)
      })()
      track(write)
      return write
    },
  })

  /**
   * Compacts a document that is leaving memory. In cluster mode this copy may hold updates that
   * reached it only through the relay, from an instance that died before storing them: its whole
   * state is merged into storage too.
   */
  async function flush(name: string, doc: Y.Doc): Promise<void> {
    if (!relay) return compact(name)
    await compacting.get(name)?.catch(() => undefined)
    await store.compactDoc(name, mergeUpdates, Y.encodeStateAsUpdate(doc))
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (!url.pathname.startsWith(`${COLLAB_PATH}/`)) return
    // A client that vanishes mid-handshake must not take the process down with an 'error' event.
    socket.on('error', (error) => log.warn('[collab] upgrade socket error', error.message))
    upgrade(req, socket, head, url).catch((error: unknown) => {
      log.error('[collab] upgrade failed', error)
      refuse(socket, 500, 'Internal Server Error')
    })
  }

  async function upgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    url: URL,
  ): Promise<void> {
    if (stopping) return refuse(socket, 503, 'Service Unavailable')
    let rawName: string
    try {
      rawName = decodeURIComponent(url.pathname.slice(COLLAB_PATH.length + 1))
    } catch {
      return refuse(socket, 400, 'Bad Request')
    }
    const name = DocNameSchema.safeParse(rawName)
    if (!name.success) return refuse(socket, 400, 'Bad Request')
    if (!deps.originPolicy.isAllowed(req.headers.origin, req.headers.host)) {
      metrics.rejected.inc({ transport: 'yjs', code: 'forbidden' })
      return refuse(socket, 403, 'Forbidden')
    }
    const session = await deps.verifyToken(tokenFromRequest(req, url))
    if (!session.ok) {
      metrics.rejected.inc({ transport: 'yjs', code: 'unauthorized' })
      return refuse(socket, 401, 'Unauthorized')
    }

    // Load the stored state before the handshake completes, so the first sync the client gets is
    // the whole document. Loop: the last client of a document may leave (and the library drop it)
    // while we wait, and then a fresh instance has to be loaded.
    for (;;) {
      const doc = getYDoc(name.data)
      await loading.get(doc)
      if (docs.get(name.data) === doc) break
    }
    if (stopping) return refuse(socket, 503, 'Service Unavailable')
    if (socket.destroyed) return

    wss.handleUpgrade(req, socket, head, (ws) =>
      connect(ws, socket, req, name.data, session.user, session.expiresAt),
    )
  }

  function connect(
    ws: WebSocket,
    socket: Duplex,
    req: IncomingMessage,
    docName: string,
    user: SessionUser,
    expiresAt: number,
  ) {
    connections.add(ws)
    metrics.connections.inc({ transport: 'yjs' })
    ws.on('message', () => metrics.messagesIn.inc({ transport: 'yjs' }))
    // setupWSConnection sends through ws.send; counting there sees every frame, broadcasts included.
    sendFramedOnce(ws, socket, frames, () => metrics.messagesOut.inc({ transport: 'yjs' }))
    // The library listens for 'close' only; an unhandled 'error' (bad frame, too large) would crash.
    ws.on('error', (error) => log.warn(`[collab] ${docName}: ${error.message}`))
    const expiry = setTimeout(
      () => ws.close(CollabCloseCode.unauthorized.code, CollabCloseCode.unauthorized.reason),
      Math.min(Math.max(expiresAt - Date.now(), 0), 2 ** 31 - 1),
    )
    expiry.unref()
    ws.on('close', () => {
      clearTimeout(expiry)
      connections.delete(ws)
      metrics.connections.dec({ transport: 'yjs' })
    })
    log.info(`[collab] ${user.name} (${user.id}) opened ${docName}`)
    setupWSConnection(ws, req, { docName, gc: true })
  }

  httpServer.on('upgrade', onUpgrade)

  async function runStop(): Promise<void> {
    stopping = true
    httpServer.off('upgrade', onUpgrade)
    const closing = [...connections].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === ws.CLOSED) return resolve()
          ws.once('close', () => resolve())
          ws.close(CollabCloseCode.shuttingDown.code, CollabCloseCode.shuttingDown.reason)
          setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref()
        }),
    )
    await Promise.all(closing)
    // Closing the last connection of each document made the library call writeState; wait for
    // those and for every write they depend on (writes can start compactions, hence the loop).
    while (pending.size > 0) await Promise.allSettled([...pending])
    // Documents loaded by an upgrade that never completed are still in memory: write them too.
    for (const [name, doc] of docs) {
      await loading.get(doc)?.catch(() => undefined)
      await flush(name, doc).catch((error: unknown) =>
        log.error(`[collab] flushing ${name} failed`, error),
      )
      doc.destroy()
      docs.delete(name)
    }
    await relay?.close()
    wss.close()
    setPersistence(null)
    attached = false
  }

  return {
    connectionCount: () => connections.size,
    stop() {
      stopped ??= runStop()
      return stopped
    },
  }
}

/**
 * Merges stored updates into one. Going through a Y.Doc (rather than `Y.mergeUpdates`) lets Yjs
 * garbage-collect deleted content, so a document that was typed and erased many times shrinks.
 */
function mergeUpdates(updates: Uint8Array[]): Uint8Array {
  const doc = new Y.Doc({ gc: true })
  Y.transact(doc, () => {
    for (const update of updates) Y.applyUpdate(doc, update)
  })
  const merged = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return merged
}

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
function refuse(socket: Duplex, status: number, text: string): void {
  if (socket.destroyed) return
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  )
}
