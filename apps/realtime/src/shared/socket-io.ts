import { readSessionCookie, type VerifySessionResult } from '@duplex/auth'
import { NO_TRUSTED_PROXIES, type ProxyTrust } from '@duplex/cluster'
import {
  DISCONNECT_REASON_EVENT,
  DisconnectReasonCode,
  type DisconnectReason,
} from '@duplex/protocol/realtime'
import type { SessionUser } from '@duplex/protocol/session'
import { createAdapter } from '@socket.io/redis-streams-adapter'
import type { Server as HttpServer } from 'node:http'
import type { Redis } from 'ioredis'
import { Server, type ServerOptions, type Socket } from 'socket.io'
import type { Logger } from './log.ts'
import type { Metrics } from './metrics.ts'
import type { OriginPolicy } from './origins.ts'
import {
  createSessionConnections,
  type ConnectionSession,
  type SessionEnd,
  type SignOuts,
} from './session-connections.ts'

/** What the handshake leaves on every socket. */
export interface SharedSocketData {
  user: SessionUser
}

/**
 * The Socket.IO server every feature shares, with no events of its own: each feature casts it to
 * its own view, `Server<ItsClientToServerEvents, ItsServerToClientEvents, …>`, because Socket.IO
 * types one server with one event map while several features add events to it.
 */
export type SharedSocketServer = Server<
  Record<string, never>,
  Record<string, never>,
  Record<string, never>,
  SharedSocketData
>
type SharedSocket = Socket<
  Record<string, never>,
  Record<string, never>,
  Record<string, never>,
  SharedSocketData
>

export interface SocketIoDeps {
  originPolicy: OriginPolicy
  /** `TRUSTED_PROXIES`, for naming a client in the logs; none trusted when undefined. */
  proxyTrust?: ProxyTrust | undefined
  verifyToken: (token: string | undefined) => Promise<VerifySessionResult>
  /** Sign-outs heard of, here or on any instance: that session's sockets are disconnected. */
  signOuts: SignOuts
  metrics: Metrics
  log: Logger
  /** Cluster mode: rooms, broadcasts and recovery sessions go through Redis. */
  redis?: { client: Redis; keyPrefix: string } | undefined
  /** What the features asked for (see `RealtimeFeature.socketIoOptions`), merged in order. */
  options?: Partial<ServerOptions>
  /**
   * `SOCKETIO_MAX_BUFFERED_BYTES`: a socket with more than this waiting to be sent to it is
   * disconnected (see {@link capOutboundBuffer}). Unbounded when undefined.
   */
  maxBufferedBytes?: number | undefined
}

/** What a disconnected client is told when its session ends; it must not reconnect with it. */
const SESSION_ENDED: Record<SessionEnd, DisconnectReason> = {
  signed_out: {
    code: DisconnectReasonCode.signedOut,
    message: 'this session was signed out; sign in again to reconnect',
  },
  session_expired: {
    code: DisconnectReasonCode.sessionExpired,
    message: 'this session expired; sign in again to reconnect',
  },
}

/**
 * The Socket.IO server on `httpServer`: checks the origin of every transport, authenticates every
 * handshake (the `auth.token` or the `duplex_session` cookie), disconnects a socket when its
 * session expires or is signed out (anywhere) saying why (`DISCONNECT_REASON_EVENT`), and counts
 * connections and events per socket. The features add the events,
 * best with {@link onEverySocket}: one listener per server, none per socket.
 *
 * @example
 * const io = createSocketIo(httpServer, { originPolicy, verifyToken, metrics, log })
 */
export function createSocketIo(httpServer: HttpServer, deps: SocketIoDeps): SharedSocketServer {
  const { originPolicy, metrics, log } = deps
  metrics.declare('socketio', ['unavailable'])
  const io: SharedSocketServer = new Server(httpServer, {
    serveClient: false,
    // Browsers skip CORS for WebSockets, so origins are checked for every transport here…
    allowRequest: (req, callback) => {
      const allowed = originPolicy.isAllowed(req.headers.origin, req.headers.host)
      if (!allowed) metrics.rejected.inc({ transport: 'socketio', code: 'forbidden' })
      callback(allowed ? null : 'origin not allowed', allowed)
    },
    // …and CORS headers (with credentials, for the cookie) are sent for polling requests.
    cors: (req, callback) => {
      const origin = req.headers.origin
      callback(null, {
        origin:
          origin !== undefined && originPolicy.isAllowed(origin, req.headers.host) ? origin : false,
        credentials: true,
      })
    },
    // Upgrades that are not ours are answered by the server instead of being cut after a timeout.
    destroyUpgrade: false,
    // Cluster mode: rooms, broadcasts and recovery sessions go through one Redis stream, so a
    // client that reconnects to another instance still gets its rooms and missed events.
    ...(deps.redis && {
      adapter: createAdapter(deps.redis.client, {
        streamName: `${deps.redis.keyPrefix}socket.io`,
        channelPrefix: `${deps.redis.keyPrefix}socket.io`,
        sessionKeyPrefix: `${deps.redis.keyPrefix}sio:session:`,
      }),
    }),
    ...deps.options,
  })
  const sessionOf = new WeakMap<SharedSocket, ConnectionSession>()

  io.use(async (socket, next) => {
    try {
      const fromAuth: unknown = socket.handshake.auth?.token
      const token =
        typeof fromAuth === 'string' && fromAuth !== ''
          ? fromAuth
          : readSessionCookie(socket.handshake.headers.cookie)
      const result = await deps.verifyToken(token)
      if (!result.ok && result.reason === 'unavailable') {
        metrics.rejected.inc({ transport: 'socketio', code: 'unavailable' })
        // Not the client's fault, and not final: the page connects again after `retryAfterMs`.
        const error = Object.assign(new Error(`unavailable: ${result.message}`), {
          data: { code: 'unavailable', retryAfterMs: result.retryAfterMs },
        })
        return next(error)
      }
      if (!result.ok) {
        metrics.rejected.inc({ transport: 'socketio', code: 'unauthorized' })
        // socket.io-client surfaces this as `connect_error` with exactly this message.
        const error = Object.assign(new Error(`unauthorized: ${result.message}`), {
          data: { code: 'unauthorized', reason: result.reason },
        })
        return next(error)
      }
      socket.data.user = result.user
      sessionOf.set(socket, { tokenId: result.tokenId, expiresAt: result.expiresAt })
      // Checked; the socket has no use for it any more (a reconnect sends it again), and it is
      // the largest string an idle socket would keep.
      if (typeof fromAuth === 'string') delete (socket.handshake.auth as { token?: unknown }).token
      next()
    } catch (error) {
      log.error('[socket.io] handshake failed', error)
      next(new Error('internal: an unknown error has occurred'))
    }
  })

  // One listener of each kind for every socket (Socket.IO calls them with the socket as `this`),
  // and one timer per instant sessions expire at: a connection holds no closures of ours.
  const listeners = new Map<string, SharedListener>()
  eventListeners.set(io, listeners)
  // Counts every event, and runs the listener `onEverySocket` registered for its name.
  function onIncoming(this: SharedSocket, event: unknown, ...args: unknown[]): void {
    metrics.messagesIn.inc({ transport: 'socketio' })
    const listener = typeof event === 'string' ? listeners.get(event) : undefined
    if (listener) dispatchLater(this, listener, args)
  }
  const countOut = () => metrics.messagesOut.inc({ transport: 'socketio' })
  const sessions = createSessionConnections<SharedSocket>(deps.signOuts, (socket, why) =>
    tellAndDisconnect(socket, SESSION_ENDED[why]),
  )
  function onDisconnect(this: SharedSocket): void {
    metrics.connections.dec({ transport: 'socketio' })
    sessions.remove(this)
  }
  const capOutbound =
    deps.maxBufferedBytes === undefined
      ? undefined
      : createOutboundCap(deps.maxBufferedBytes, (socket) => {
          metrics.rejected.inc({ transport: 'socketio', code: DisconnectReasonCode.slowConsumer })
          log.warn(
            `[socket.io] ${socket.data.user.id} (${clientAddressOf(socket, deps.proxyTrust)}) ` +
              'stopped reading: ' +
              `over ${deps.maxBufferedBytes} bytes waiting; disconnected`,
          )
        })

  io.on('connection', (socket) => {
    metrics.connections.inc({ transport: 'socketio' })
    listenToAll(socket, onIncoming, countOut)
    socket.on('disconnect', onDisconnect)
    capOutbound?.(socket)
    const session = sessionOf.get(socket)
    if (session !== undefined) {
      sessionOf.delete(socket)
      sessions.add(socket, session)
    }
  })

  return io
}

/**
 * The client's address behind `TRUSTED_PROXIES` (see `ProxyTrust.clientAddress`), from the
 * handshake Socket.IO keeps for the socket's life: nothing more to hold per socket.
 *
 * @example
 * budgets.consume('send', socket.data.user.id, clientAddressOf(socket, proxyTrust))
 */
export function clientAddressOf(
  socket: { handshake: Pick<Socket['handshake'], 'address' | 'headers'> },
  trust: ProxyTrust = NO_TRUSTED_PROXIES,
): string {
  return trust.clientAddress({
    peer: socket.handshake.address,
    forwardedFor: socket.handshake.headers['x-forwarded-for'],
  })
}

/**
 * Sends `reason` (`DISCONNECT_REASON_EVENT`) to one socket, then disconnects it
 * (`io server disconnect`: the client does not reconnect by itself). With connection state
 * recovery on (cluster mode), `socket.emit` goes through the adapter's stream to store an offset,
 * a Redis round trip, and would arrive after the disconnect: a local emit to the socket's own
 * room is written at once, ahead of the disconnect packet.
 */
function tellAndDisconnect(socket: SharedSocket, reason: DisconnectReason): void {
  // The shared server has no event map of its own (see SharedSocketServer).
  const toSocket = socket.nsp.local.to(socket.id) as unknown as {
    emit(event: string, payload: DisconnectReason): boolean
  }
  toSocket.emit(DISCONNECT_REASON_EVENT, reason)
  socket.disconnect(true)
}

/** A listener of one event, shared by every socket: Socket.IO's arguments, the socket as `this`. */
// The socket's type is each feature's own (see SharedSocketServer), hence `never` here.
type SharedListener = (this: never, ...args: unknown[]) => unknown

const eventListeners = new WeakMap<object, Map<string, SharedListener>>()

/**
 * `socket.on(event, listener)` for every socket of `io`, without a slot per socket: a socket's
 * own listener table (a dictionary, ~40 bytes a name) would otherwise hold every event name a
 * feature handles. `listener` gets the socket as `this` and the event's arguments, ack last,
 * when and as Socket.IO would call it (on the next tick, and only while the socket is
 * connected). Our sockets have no `socket.use` middleware, which this path would not run.
 *
 * @example
 * onEverySocket(io, 'echo', function (this: EchoSocket, payload, ack) { ack(payload) })
 */
export function onEverySocket<S>(
  io: object,
  event: string,
  listener: (this: S, ...args: unknown[]) => unknown,
): void {
  const listeners = eventListeners.get(io)
  if (!listeners) throw new Error('onEverySocket: not a server made by createSocketIo')
  if (listeners.has(event)) throw new Error(`onEverySocket: ${event} has a listener already`)
  listeners.set(event, listener as SharedListener)
}

/** What Socket.IO's `dispatch` does with an event once its (here: no) middlewares passed. */
function dispatchLater(socket: SharedSocket, listener: SharedListener, args: unknown[]): void {
  process.nextTick(() => {
    if (socket.connected) (listener as (...args: unknown[]) => unknown).apply(socket, args)
  })
}

/** Socket.IO's private arrays behind `onAny` and `onAnyOutgoing` (socket.io 4). */
interface AnyListeners {
  _anyListeners?: unknown[]
  _anyOutgoingListeners?: unknown[]
}

/**
 * `socket.onAny(incoming)` and `socket.onAnyOutgoing(outgoing)`, with arrays of one element:
 * `onAny` pushes onto an empty array, which V8 grows to 17 slots at once (~150 bytes each for
 * every idle socket). Socket.IO reads these arrays as they are and copes with later pushes.
 */
function listenToAll(
  socket: SharedSocket,
  incoming: (...args: unknown[]) => void,
  outgoing: (...args: unknown[]) => void,
): void {
  const own = socket as unknown as AnyListeners
  if (own._anyListeners === undefined) own._anyListeners = [incoming]
  else socket.onAny(incoming)
  if (own._anyOutgoingListeners === undefined) own._anyOutgoingListeners = [outgoing]
  else socket.onAnyOutgoing(outgoing)
}

/** How long a slow consumer gets to take its disconnect before its transport is cut. */
const SLOW_CONSUMER_GRACE_MS = 2000

/** Bytes of a packet's payload, near enough for a budget (a string counts its UTF-16 units). */
function packetBytes(data: unknown): number {
  if (typeof data === 'string') return data.length
  if (data instanceof Uint8Array) return data.byteLength
  return 0
}

/** What {@link createOutboundCap} counts for one connection. */
interface Outbound {
  socket: SharedSocket
  queued: number
  exceeded: boolean
}

type EngineConn = SharedSocket['conn']

/**
 * Back-pressure per socket: a client that stops reading while the server keeps sending (a member
 * of a busy room on a stalled link) would otherwise make the server hold every packet for it.
 * Counts what waits in engine.io's write buffer plus what the WebSocket has not written yet; past
 * `maxBytes` the backlog is dropped, the client is told why (`disconnect-reason`, then
 * `io server disconnect`, so it does not reconnect in a loop by itself) and, if it still does
 * not read, its transport is cut.
 *
 * Returns what to call on each new socket. The two listeners are shared by every connection
 * (engine.io calls them with the connection as `this`); each connection only has its counter.
 */
function createOutboundCap(
  maxBytes: number,
  onExceeded: (socket: SharedSocket) => void,
): (socket: SharedSocket) => void {
  const counters = new WeakMap<EngineConn, Outbound>()

  // Everything in the write buffer is handed to the transport at once, which then counts it.
  function onFlush(this: EngineConn): void {
    const counter = counters.get(this)
    if (counter) counter.queued = 0
  }

  function onPacketCreate(this: EngineConn, packet: { data?: unknown }): void {
    packetCreated(this, packet)
  }

  function packetCreated(conn: EngineConn, packet: { data?: unknown }): void {
    const counter = counters.get(conn)
    if (!counter || counter.exceeded) return
    counter.queued += packetBytes(packet.data)
    const transportSocket = (conn.transport as { socket?: { bufferedAmount?: unknown } }).socket
    const unsent =
      typeof transportSocket?.bufferedAmount === 'number' ? transportSocket.bufferedAmount : 0
    if (counter.queued + unsent <= maxBytes) return
    counter.exceeded = true
    const { socket } = counter
    onExceeded(socket)
    // Dropped, not sent: the client reloads history when it comes back.
    // engine.io keeps its write buffer private; emptying it is the only way to let go of it.
    ;(conn as unknown as { writeBuffer: unknown[] }).writeBuffer.splice(0)
    counter.queued = 0
    const reason: DisconnectReason = {
      code: DisconnectReasonCode.slowConsumer,
      message: `more than ${maxBytes} bytes were waiting for this connection; reconnect to catch up`,
    }
    // Not from inside the packet being created: emitting here would re-enter this listener.
    queueMicrotask(() => {
      tellAndDisconnect(socket, reason)
      setTimeout(() => {
        if (conn.readyState === 'closed') return
        const raw = (conn.transport as { socket?: { terminate?: () => void } }).socket
        if (typeof raw?.terminate === 'function') raw.terminate()
        else conn.transport.close()
      }, SLOW_CONSUMER_GRACE_MS).unref()
    })
  }

  return (socket) => {
    const conn = socket.conn
    counters.set(conn, { socket, queued: 0, exceeded: false })
    conn.on('flush', onFlush)
    conn.on('packetCreate', onPacketCreate)
  }
}
