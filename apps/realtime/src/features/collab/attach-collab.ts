import { COLLAB_PATH, CollabCloseCode, DocNameSchema } from '@duplex/protocol/collab'
import { FaultConnectionIdSchema, FaultConnectionParam } from '@duplex/protocol/faults'
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
import {
  createSessionConnections,
  type ConnectionSession,
  type SignOuts,
} from '../../shared/session-connections.ts'
import type { DocStore } from './repository.ts'
import { createAppendBatcher } from './append-batcher.ts'
import { FROM_RELAY, type DocRelay } from './doc-relay.ts'
import type { DocCreation } from './doc-creation.ts'
import { createFrameCache, sendFramedOnce } from './framed-send.ts'
import { createConnectionEdge, createDocSizes, type EdgeLimits } from './yjs-edge.ts'
import { webSocketFaults, type FaultRegistry } from '../../shared/faults.ts'

export interface CollabDeps {
  store: DocStore
  /** Checks a session token (see `verifySessionToken` in @duplex/auth). */
  verifyToken: VerifyToken
  /** Sign-outs heard of: that session's editors are closed with `CollabCloseCode.signedOut`. */
  signOuts: SignOuts
  originPolicy: OriginPolicy
  /** `YJS_COMPACT_AFTER`: merge a document's stored updates into one after this many new ones. */
  compactAfter: number
  /** The edge's bounds (see `CollabEnvSchema` for each variable). */
  limits: CollabLimits
  /** Quota and rate of new documents, shared with `POST /api/docs`. */
  creation: DocCreation
  metrics: Metrics
  log: Logger
  /**
   * Cluster mode: shares updates and awareness with the other instances that have a document open
   * (see `createDocRelay`). Created by the caller with `ignoreOrigins: [FROM_STORAGE]`.
   */
  relay?: DocRelay
  /** "Break it": a connection opened with `?conn=<name>` takes faults from its own session. */
  faults?: FaultRegistry
}

export interface CollabLimits extends EdgeLimits {
  /** `YJS_MAX_FRAME_BYTES`. */
  maxFrameBytes: number
  /** `YJS_MAX_BUFFERED_BYTES`. */
  maxBufferedBytes: number
}

/** Codes of the `rejected` metric this edge counts. */
export const COLLAB_REJECTION_CODES = [
  'forbidden',
  'unavailable',
  'rate_limited',
  'limit_reached',
  'protocol_error',
  'doc_too_large',
  'too_slow',
  'awareness_refused',
  'awareness_rate',
] as const

export interface Collab {
  /** Open Yjs connections. */
  connectionCount(): number
  /** Closes every connection, writes every document to storage (compacted), and detaches. */
  stop(): Promise<void>
  /**
   * Closes every connection to one document with `close` (deleted, renamed) and waits until it
   * has left memory and its writes have landed, so storage can then change it underneath.
   */
  closeDoc(name: string, close: { code: number; reason: string }): Promise<void>
}

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
    maxPayload: deps.limits.maxFrameBytes,
    perMessageDeflate: false,
  })
  const frames = createFrameCache()
  const sizes = createDocSizes(deps.limits.maxDocBytes)
  const connections = new Set<WebSocket>()
  const docOf = new Map<WebSocket, string>()
  const loading = new WeakMap<Y.Doc, Promise<void>>()
  const pending = new Set<Promise<unknown>>()
  const updatesSinceCompaction = new Map<string, number>()
  const compacting = new Map<string, Promise<void>>()
  /** Closes a connection at its session's expiry, or as soon as its session is signed out. */
  const sessions = createSessionConnections<WebSocket>(deps.signOuts, (ws, why) =>
    endSession.get(ws)?.(why),
  )
  /** How each connection closes when its session ends (set in `connect`). */
  const endSession = new WeakMap<WebSocket, (why: 'signed_out' | 'session_expired') => void>()
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
  // The first stored edit of an admitted name creates its row, owned by whoever was let in.
  const appends = createAppendBatcher(
    {
      appendDocUpdate: (name, update) =>
        store.appendDocUpdate(name, update, deps.creation.creatorOf(name)),
    },
    (name) => {
      const count = (updatesSinceCompaction.get(name) ?? 0) + 1
      updatesSinceCompaction.set(name, count)
      if (count >= deps.compactAfter) return compact(name)
    },
  )

  setPersistence({
    provider: store,
    bindState(name: string, doc: WSSharedDoc) {
      const ready = (async () => {
        // Subscribed before loading: an update another instance makes meanwhile arrives either
        // in storage or on the channel (both is fine: applying an update twice changes nothing).
        await relay?.attach(name, doc)
        // No row yet: the document is created by its first stored edit (see appendDocUpdate).
        const updates = await store.loadDocUpdates(name)
        if (updates.length > 0) {
          const merged = Y.mergeUpdates(updates)
          sizes.loaded(doc, merged.byteLength)
          Y.applyUpdate(doc, merged, FROM_STORAGE)
        }
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
    // A document nobody typed into has nothing to keep, and must not appear in the list.
    if (!relay || doc.store.clients.size === 0) return compact(name)
    await compacting.get(name)?.catch(() => undefined)
    await store.compactDoc(name, mergeUpdates, Y.encodeStateAsUpdate(doc))
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (!url.pathname.startsWith(`${COLLAB_PATH}/`)) return
    // A client that vanishes mid-handshake must not take the process down with an 'error' event.
    // A reset is how a browser leaves a page, not news; anything else is worth a line.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return
      log.warn('[collab] upgrade socket error', error.message)
    })
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
    if (!session.ok && session.reason === 'unavailable') {
      // Whether the session was signed out cannot be told right now: try again, not sign in.
      metrics.rejected.inc({ transport: 'yjs', code: 'unavailable' })
      return refuse(socket, 503, 'Service Unavailable', {
        'Retry-After': String(Math.max(1, Math.ceil((session.retryAfterMs ?? 1000) / 1000))),
      })
    }
    if (!session.ok) {
      metrics.rejected.inc({ transport: 'yjs', code: 'unauthorized' })
      return refuse(socket, 401, 'Unauthorized')
    }
    const creation = await deps.creation.ensure(name.data, session.user.id, { create: false })
    if (!creation.ok) {
      metrics.rejected.inc({ transport: 'yjs', code: creation.code })
      log.warn(`[collab] ${session.user.id} may not create ${name.data}: ${creation.message}`)
      return creation.code === 'rate_limited'
        ? refuse(socket, 429, 'Too Many Requests', {
            'Retry-After': String(creation.retryAfterSeconds),
          })
        : refuse(socket, 403, 'Forbidden')
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
      connect(ws, socket, req, name.data, session.user, {
        tokenId: session.tokenId,
        expiresAt: session.expiresAt,
      }),
    )
  }

  function connect(
    ws: WebSocket,
    socket: Duplex,
    req: IncomingMessage,
    docName: string,
    user: SessionUser,
    session: ConnectionSession,
  ) {
    connections.add(ws)
    docOf.set(ws, docName)
    metrics.connections.inc({ transport: 'yjs' })
    let closing = false
    /** Closes this connection once, logs why once, and cuts it if the close is not answered. */
    const closeWith = (close: CollabCloseCode, code: string | undefined, detail: string) => {
      if (closing) return
      closing = true
      if (code !== undefined) metrics.rejected.inc({ transport: 'yjs', code })
      log.warn(
        `[collab] ${user.id} on ${docName}: closed ${close.code} (${close.reason}): ${detail}`,
      )
      ws.close(close.code, close.reason)
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref()
    }
    // setupWSConnection sends through ws.send; counting there sees every frame, broadcasts included.
    sendFramedOnce(ws, socket, frames, () => metrics.messagesOut.inc({ transport: 'yjs' }), {
      maxBufferedBytes: deps.limits.maxBufferedBytes,
      onOverflow: () =>
        closeWith(
          CollabCloseCode.tooSlow,
          'too_slow',
          `more than ${deps.limits.maxBufferedBytes} bytes waiting to be read`,
        ),
    })
    const doc = getYDoc(docName)
    const edge = createConnectionEdge({
      user,
      doc,
      limits: deps.limits,
      ownedByAnother: (clientId) => doc.awareness.getStates().has(clientId),
      sizes,
    })
    // Every frame passes the edge before the library's own 'message' listener sees it; the
    // library trusts what it is given (and logs a stack trace per malformed frame).
    const emit = ws.emit.bind(ws) as (event: string | symbol, ...args: unknown[]) => boolean
    ws.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event !== 'message') return emit(event, ...args)
      if (closing) return false
      metrics.messagesIn.inc({ transport: 'yjs' })
      const [data, isBinary] = args
      if (isBinary !== true) {
        closeWith(CollabCloseCode.protocolError, 'protocol_error', 'a text frame')
        return false
      }
      const verdict = edge.inspect(toBytes(data))
      if (verdict.action === 'close') {
        const code =
          verdict.close === CollabCloseCode.docTooLarge ? 'doc_too_large' : 'protocol_error'
        closeWith(verdict.close, code, verdict.detail)
        return false
      }
      if (verdict.action === 'drop') {
        if (verdict.code) metrics.rejected.inc({ transport: 'yjs', code: verdict.code })
        return false
      }
      return emit('message', verdict.frame, true)
    }) as WebSocket['emit']
    // The library listens for 'close' only; an unhandled 'error' (bad frame, too large) would crash.
    ws.on('error', (error) => log.warn(`[collab] ${docName}: ${error.message}`))
    // 4401 with its reason: y-websocket stops reconnecting, and the page says why.
    endSession.set(ws, (why) =>
      why === 'signed_out'
        ? closeWith(CollabCloseCode.signedOut, undefined, 'the session was signed out')
        : closeWith(CollabCloseCode.sessionExpired, undefined, 'the session expired'),
    )
    const faultName = FaultConnectionIdSchema.safeParse(
      new URL(req.url ?? '/', 'http://localhost').searchParams.get(FaultConnectionParam.yjs),
    )
    const unregisterFaults =
      faultName.success && deps.faults
        ? deps.faults.register(
            user.id,
            faultName.data,
            webSocketFaults(ws, deps.faults.settings.stallMs),
          )
        : () => undefined
    ws.on('close', () => {
      unregisterFaults()
      sessions.remove(ws)
      connections.delete(ws)
      docOf.delete(ws)
      metrics.connections.dec({ transport: 'yjs' })
    })
    log.info(`[collab] ${user.name} (${user.id}) opened ${docName}`)
    setupWSConnection(ws, req, { docName, gc: true })
    sessions.add(ws, session)
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
    sessions.close()
    wss.close()
    setPersistence(null)
    attached = false
  }

  async function closeDoc(name: string, close: { code: number; reason: string }): Promise<void> {
    const open = [...docOf].filter(([, doc]) => doc === name).map(([ws]) => ws)
    await Promise.all(
      open.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) return resolve()
            ws.once('close', () => resolve())
            ws.close(close.code, close.reason)
            setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref()
          }),
      ),
    )
    // The last close made the library call writeState; its compaction must land before a
    // delete or rename, or it would write the old name back.
    while (pending.size > 0) await Promise.allSettled([...pending])
    await compacting.get(name)?.catch(() => undefined)
    const doc = docs.get(name)
    if (doc && doc.conns.size === 0) {
      // Loaded by an upgrade that never completed: nothing of it is unsaved, drop it.
      docs.delete(name)
      relay?.detach(name, doc)
      doc.destroy()
    }
  }

  return {
    closeDoc,
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
function refuse(
  socket: Duplex,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (socket.destroyed) return
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n${extra}` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  )
}

/** A frame as `ws` hands it over (Buffer, ArrayBuffer once binaryType is set, or fragments). */
function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data as Buffer[]))
  if (data instanceof Uint8Array) return data
  return new Uint8Array(0)
}
