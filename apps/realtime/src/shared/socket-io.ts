import { readSessionCookie, type VerifySessionResult } from '@duplex/auth'
import type { SessionUser } from '@duplex/protocol/session'
import { createAdapter } from '@socket.io/redis-streams-adapter'
import type { Server as HttpServer } from 'node:http'
import type { Redis } from 'ioredis'
import { Server, type ServerOptions, type Socket } from 'socket.io'
import type { Logger } from './log.ts'
import type { Metrics } from './metrics.ts'
import type { OriginPolicy } from './origins.ts'

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
  verifyToken: (token: string | undefined) => Promise<VerifySessionResult>
  metrics: Metrics
  log: Logger
  /** Cluster mode: rooms, broadcasts and recovery sessions go through Redis. */
  redis?: { client: Redis; keyPrefix: string } | undefined
  /** What the features asked for (see `RealtimeFeature.socketIoOptions`), merged in order. */
  options?: Partial<ServerOptions>
}

/**
 * The Socket.IO server on `httpServer`: checks the origin of every transport, authenticates every
 * handshake (the `auth.token` or the `duplex_session` cookie), disconnects a socket when its
 * session expires, and counts connections and events per socket. The features add the events.
 *
 * @example
 * const io = createSocketIo(httpServer, { originPolicy, verifyToken, metrics, log })
 */
export function createSocketIo(httpServer: HttpServer, deps: SocketIoDeps): SharedSocketServer {
  const { originPolicy, metrics, log } = deps
  metrics.declare('socketio')
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
  const sessionExpiry = new WeakMap<SharedSocket, number>()

  io.use(async (socket, next) => {
    try {
      const fromAuth: unknown = socket.handshake.auth?.token
      const token =
        typeof fromAuth === 'string' && fromAuth !== ''
          ? fromAuth
          : readSessionCookie(socket.handshake.headers.cookie)
      const result = await deps.verifyToken(token)
      if (!result.ok) {
        metrics.rejected.inc({ transport: 'socketio', code: 'unauthorized' })
        // socket.io-client surfaces this as `connect_error` with exactly this message.
        const error = Object.assign(new Error(`unauthorized: ${result.message}`), {
          data: { code: 'unauthorized', reason: result.reason },
        })
        return next(error)
      }
      socket.data.user = result.user
      sessionExpiry.set(socket, result.expiresAt)
      next()
    } catch (error) {
      log.error('[socket.io] handshake failed', error)
      next(new Error('internal: an unknown error has occurred'))
    }
  })

  io.on('connection', (socket) => {
    metrics.connections.inc({ transport: 'socketio' })
    socket.onAny(() => metrics.messagesIn.inc({ transport: 'socketio' }))
    socket.onAnyOutgoing(() => metrics.messagesOut.inc({ transport: 'socketio' }))
    socket.on('disconnect', () => metrics.connections.dec({ transport: 'socketio' }))
    const expiresAt = sessionExpiry.get(socket)
    if (expiresAt !== undefined) expireWithSession(socket, expiresAt)
  })

  return io
}

/** setTimeout's ceiling (~24.8 days); a longer delay would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Disconnects the socket when its session expires, so a long-lived connection cannot outlive its
 * token. The client's automatic reconnect then meets the handshake and gets `unauthorized`.
 */
function expireWithSession(socket: SharedSocket, expiresAt: number): void {
  const delay = Math.min(Math.max(expiresAt - Date.now(), 0), MAX_TIMER_MS)
  const timer = setTimeout(() => socket.disconnect(true), delay)
  timer.unref()
  socket.once('disconnect', () => clearTimeout(timer))
}
