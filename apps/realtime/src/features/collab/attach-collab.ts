import { isStoreUnavailable } from '@duplex/cluster'
import { COLLAB_PATH, CollabCloseCode, DocNameSchema, type DocOwner } from '@duplex/protocol/collab'
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
import { Gauge } from 'prom-client'
import { WebSocketServer, type WebSocket } from 'ws'
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
import type { DocGone, DocStore } from './repository.ts'
import { createDocCopies, type DocCopy } from './doc-copies.ts'
import type { DocRelay } from './doc-relay.ts'
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
   * A delete or rename of `name` (at `generation`) was stored: closes its editors here with
   * `CollabCloseCode.deleted` or `renamed:<to>`, tells the other instances to do the same, and
   * resolves once this instance's copy has left memory (a renamed copy's unstored edits written
   * to the new name). A copy loaded after the change is a newer document and stays.
   */
  docGone(name: string, generation: number, gone: DocGone): Promise<void>
}

/** How long connections get to answer a close frame before they are cut. */
const CLOSE_GRACE_MS = 2000

/**
 * Cluster mode: how often each instance asks storage whether any document it holds was deleted or
 * renamed, in case it missed the announcement (Redis down or cut off when it was made).
 */
const REVALIDATE_EVERY_MS = 5000

export { FROM_STORAGE } from './doc-copies.ts'

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
 * loading stays cheap (see `doc-copies.ts`, which also keeps edits through a database outage).
 * While storage is down, a new connection completes its handshake and is closed at once with
 * 1013 (`CollabCloseCode.unavailable`), which y-websocket retries.
 *
 * A delete or rename (`docGone`) closes the document's editors on every instance with 4404 or
 * 4409 `renamed:<new>`; storage refuses any later write of a copy loaded before it.
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
  /** Who each connection is, so the first edit of a new document can name its owner. */
  const userOf = new WeakMap<object, DocOwner>()
  /** Upgrades that hold a copy (waiting for it to load, or completing the handshake). */
  const waiting = new Map<WSSharedDoc, number>()
  const retiring = new WeakMap<DocCopy, Promise<void>>()
  /** Closes a connection at its session's expiry, or as soon as its session is signed out. */
  const sessions = createSessionConnections<WebSocket>(deps.signOuts, (ws, why) =>
    endSession.get(ws)?.(why),
  )
  /** How each connection closes when its session ends (set in `connect`). */
  const endSession = new WeakMap<WebSocket, (why: 'signed_out' | 'session_expired') => void>()
  let stopping = false
  let stopped: Promise<void> | undefined

  const copies = createDocCopies({
    store,
    compactAfter: deps.compactAfter,
    sizes,
    log,
    relay,
    editorOf: (origin) =>
      typeof origin === 'object' && origin !== null ? userOf.get(origin) : undefined,
    onGone: (copy) => void settleGone(copy),
  })
  setPersistence(copies.persistence)

  // What `/metrics` says about memory: a copy that outlives its last connection is a leak, and
  // unsaved copies mean the database is (or was) down.
  new Gauge({
    name: 'duplex_realtime_yjs_docs_in_memory',
    help: 'Yjs documents held in memory (open, loading, or being stored as they leave)',
    registers: [metrics.registry],
    collect() {
      this.set(docs.size)
    },
  })
  new Gauge({
    name: 'duplex_realtime_yjs_docs_unsaved',
    help: 'Documents with edits that storage could not take yet; retried with backoff',
    registers: [metrics.registry],
    collect() {
      this.set(copies.unsavedCount())
    },
  })

  function hold(doc: WSSharedDoc): void {
    waiting.set(doc, (waiting.get(doc) ?? 0) + 1)
  }

  function unhold(doc: WSSharedDoc): void {
    const left = (waiting.get(doc) ?? 1) - 1
    if (left > 0) waiting.set(doc, left)
    else waiting.delete(doc)
    releaseIfIdle(doc)
  }

  /**
   * The library drops a copy when its last connection closes. A copy that never got one (its
   * upgrade failed or its client left mid-handshake) is ours to store and drop, or it would stay
   * in memory until shutdown.
   */
  function releaseIfIdle(doc: WSSharedDoc): void {
    if (doc.conns.size > 0 || waiting.has(doc) || docs.get(doc.name) !== doc) return
    docs.delete(doc.name)
    const copy = copies.of(doc)
    if (copy) void copies.release(copy)
    else doc.destroy()
  }

  function closeFor(gone: DocGone): { code: number; reason: string } {
    return gone.kind === 'deleted'
      ? CollabCloseCode.deleted
      : {
          code: CollabCloseCode.renamed.code,
          reason: `${CollabCloseCode.renamed.reason}${gone.to}`,
        }
  }

  /** Closes connections with `close`, cutting those that do not answer; resolves once all closed. */
  function closeAll(open: WebSocket[], close: { code: number; reason: string }): Promise<void> {
    return Promise.all(
      open.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) return resolve()
            ws.once('close', () => resolve())
            ws.close(close.code, close.reason)
            setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref()
          }),
      ),
    ).then(() => undefined)
  }

  /**
   * A copy whose document is gone (marked by the caller): its editors are closed with the code
   * the page understands, which makes the library store it (a renamed copy's state goes to the
   * new name) and drop it. Resolves once it has left memory.
   */
  function settleGone(copy: DocCopy): Promise<void> {
    const running = retiring.get(copy)
    if (running) return running
    const gone = copy.gone
    if (!gone) return Promise.resolve()
    const run = (async () => {
      log.info(
        `[collab] ${copy.name} was ${gone.kind}${gone.by ? ` by ${gone.by.id}` : ''}; closing its ${copy.doc.conns.size} editor(s)`,
      )
      await closeAll([...copy.doc.conns.keys()] as WebSocket[], closeFor(gone))
      releaseIfIdle(copy.doc)
      await copy.left
      if (gone.kind === 'renamed') await copies.refresh(gone.to)
    })()
    retiring.set(copy, run)
    run.catch((error: unknown) => log.error(`[collab] closing ${copy.name} failed`, error))
    return run
  }

  /** Settles this instance's copy of a document that was deleted or renamed at `generation`. */
  async function goneHere(name: string, generation: number, gone: DocGone): Promise<void> {
    const doc = docs.get(name)
    const copy = doc && copies.of(doc)
    if (copy) {
      await copy.ready.catch(() => undefined)
      // A copy loaded after the change holds a newer document of the same name.
      if (copy.generation !== undefined && copy.generation <= generation) {
        copies.markGone(copy, gone)
        await settleGone(copy)
        return
      }
    }
    if (gone.kind === 'renamed') await copies.refresh(gone.to)
  }

  relay?.onGone((name, generation, gone) => {
    goneHere(name, generation, gone).catch((error: unknown) =>
      log.error(`[collab] settling ${name} after another instance's change failed`, error),
    )
  })

  /** Asks storage about every copy held here; settles those whose document is gone. */
  let revalidating = false
  async function revalidate(): Promise<void> {
    if (revalidating || stopping) return
    revalidating = true
    try {
      const held = [...docs.values()].flatMap((doc) => copies.of(doc) ?? [])
      if (held.length === 0) return
      for (const [copy, gone] of await copies.staleCopies(held)) {
        if (!copies.markGone(copy, gone)) continue
        log.warn(`[collab] ${copy.name} was ${gone.kind} elsewhere without word reaching here`)
        void settleGone(copy)
      }
    } catch (error) {
      // Storage down: the next round asks again; writes meanwhile are kept in memory.
      if (!isStoreUnavailable(error)) log.error('[collab] checking open documents failed', error)
    } finally {
      revalidating = false
    }
  }
  relay?.onResubscribed(() => void revalidate())
  const revalidateTimer = relay
    ? setInterval(() => void revalidate(), REVALIDATE_EVERY_MS)
    : undefined
  revalidateTimer?.unref()

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
      if (isStoreUnavailable(error)) return closeUnavailable(req, socket, head)
      log.error('[collab] upgrade failed', error)
      refuse(socket, 500, 'Internal Server Error')
    })
  }

  /**
   * Storage (or Redis) is down: the handshake completes and the socket closes at once with 1013,
   * which y-websocket retries with backoff, where a refused upgrade would reach the page as a
   * bare 1006. No document byte is sent.
   */
  function closeUnavailable(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    metrics.rejected.inc({ transport: 'yjs', code: 'unavailable' })
    if (socket.destroyed || !socket.readable || !socket.writable) return void socket.destroy()
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => undefined)
      ws.close(CollabCloseCode.unavailable.code, CollabCloseCode.unavailable.reason)
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref()
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
    const creation = await deps.creation.ensure(name.data, session.user, { create: false })
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
    // while we wait, or the document may be deleted; then a fresh copy has to be loaded.
    let doc: WSSharedDoc
    for (;;) {
      doc = getYDoc(name.data)
      const copy = copies.of(doc)
      hold(doc)
      try {
        await copy?.ready
      } catch (error) {
        unhold(doc)
        throw error
      }
      if (copy?.gone) {
        unhold(doc)
        await settleGone(copy)
        continue
      }
      if (docs.get(name.data) === doc) break
      unhold(doc)
    }
    const held = doc
    if (stopping) {
      unhold(held)
      return refuse(socket, 503, 'Service Unavailable')
    }
    // ws destroys a socket whose client has gone (it sent FIN) without calling back; so does
    // this, and the copy it loaded is let go at once.
    if (socket.destroyed || !socket.readable || !socket.writable) {
      socket.destroy()
      return unhold(held)
    }
    // ws may still refuse the handshake (bad headers): the socket then closes, without a callback.
    const gaveUp = () => unhold(held)
    socket.once('close', gaveUp)
    wss.handleUpgrade(req, socket, head, (ws) => {
      socket.off('close', gaveUp)
      connect(ws, socket, req, name.data, session.user, {
        tokenId: session.tokenId,
        expiresAt: session.expiresAt,
      })
      unhold(held)
    })
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
    userOf.set(ws, { id: user.id, name: user.name })
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
    if (revalidateTimer) clearInterval(revalidateTimer)
    await closeAll([...connections], CollabCloseCode.shuttingDown)
    // Closing the last connection of each document made the library store and drop it. Copies
    // still here were loaded by upgrades that never completed: store and drop them too.
    for (const [name, doc] of [...docs]) {
      docs.delete(name)
      const copy = copies.of(doc)
      if (copy) await copies.release(copy)
      else doc.destroy()
    }
    await copies.drain()
    await relay?.close()
    sessions.close()
    wss.close()
    setPersistence(null)
    attached = false
  }

  return {
    async docGone(name, generation, gone) {
      relay?.announceGone(name, generation, gone)
      await goneHere(name, generation, gone)
    },
    connectionCount: () => connections.size,
    stop() {
      stopped ??= runStop()
      return stopped
    },
  }
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
