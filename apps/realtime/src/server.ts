import { loadSessionSecret, verifySessionToken } from '@duplex/auth'
import { DEFAULT_ROOM_ID } from '@duplex/protocol/chat'
import { COLLAB_PATH } from '@duplex/protocol/collab'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { Duplex } from 'node:stream'
import { createAdapter } from '@socket.io/redis-streams-adapter'
import { Server } from 'socket.io'
import { attachChat, type ChatLimits, type ChatServer } from './chat/attach-chat.ts'
import { createRedisPresence } from './chat/redis-presence.ts'
import { connectCluster, type ClusterNode, type ClusterOptions } from './cluster/cluster.ts'
import { FROM_STORAGE, attachCollab, type Collab } from './collab/attach-collab.ts'
import { createDocRelay } from './collab/doc-relay.ts'
import { createDocsRoutes } from './collab/docs-routes.ts'
import { handleCors, sendError, sendJson } from './http.ts'
import type { Logger } from './log.ts'
import { createMetrics } from './metrics.ts'
import { createOriginPolicy } from './origins.ts'
import { SQLITE_FILE, createStorage, type Storage } from './storage/storage.ts'

export interface RealtimeServerOptions {
  /** `REALTIME_PORT`; 0 picks a free port (tests). */
  port: number
  /** `REALTIME_HOST`; all interfaces when undefined. */
  host?: string | undefined
  /** Folder for the SQLite file and the generated session secret (see `resolveDataDir`). */
  dataDir: string
  /** `SESSION_SECRET`; when undefined the shared secret in `dataDir` is used (or created). */
  sessionSecret?: string | undefined
  /** `ALLOWED_ORIGINS`; undefined allows the dev web app (see `createOriginPolicy`). */
  allowedOrigins?: readonly string[] | '*' | undefined
  /** Development conveniences: same-host origins are allowed when no list is configured. */
  dev?: boolean
  chat?: Partial<ChatLimits>
  /** `YJS_COMPACT_AFTER`. */
  compactAfter?: number
  /** How long Socket.IO keeps a dropped socket's rooms and missed events for it. */
  recoveryWindowMs?: number
  /**
   * Cluster mode: several stateless instances behind a load balancer share PostgreSQL (instead of
   * the SQLite file in `dataDir`) and Redis. Embedded mode when undefined.
   */
  cluster?: ClusterOptions
  log?: Logger
}

export interface RealtimeServer {
  /** Opens storage, attaches chat and collab, and listens. Resolves with the bound port. */
  start(): Promise<{ port: number }>
  /**
   * Stops accepting connections, closes every Yjs connection (clients reconnect, in cluster mode
   * to another instance) and writes every document to storage, closes the Socket.IO connections
   * without telling clients to stay away (in cluster mode their state is left in Redis for the
   * instance they reconnect to), then closes Redis and the database. Safe to call more than once,
   * and before or during start.
   */
  stop(): Promise<void>
}

interface Running {
  storage: Storage
  cluster?: ClusterNode
  io?: ChatServer
  collab?: Collab
  httpServer?: ReturnType<typeof createServer>
}

/**
 * The realtime server: Socket.IO chat, Yjs collaboration, `/healthz`, `/metrics` and `/api/docs`
 * on one HTTP server and one port.
 *
 * @example
 * const server = createRealtimeServer({ port: 0, dataDir })
 * const { port } = await server.start()
 * await server.stop()
 */
export function createRealtimeServer(options: RealtimeServerOptions): RealtimeServer {
  const log = options.log ?? console
  const limits: ChatLimits = {
    maxLength: options.chat?.maxLength ?? 2000,
    ratePoints: options.chat?.ratePoints ?? 10,
    rateSeconds: options.chat?.rateSeconds ?? 10,
  }
  const startedAt = Date.now()
  let running: Running | undefined
  let starting: Promise<{ port: number }> | undefined
  let stopping: Promise<void> | undefined

  async function runStart(): Promise<{ port: number }> {
    const secret = await loadSessionSecret({
      dataDir: options.dataDir,
      secret: options.sessionSecret,
    })
    const cluster = options.cluster
    const storage = await createStorage(
      cluster
        ? { kind: 'postgres', url: cluster.databaseUrl, schema: cluster.databaseSchema }
        : { kind: 'sqlite', file: path.join(options.dataDir, SQLITE_FILE) },
    )
    const state: Running = { storage }
    running = state
    try {
      if (cluster) state.cluster = await connectCluster(cluster, log)
      const node = state.cluster
      await storage.ensureRoom(DEFAULT_ROOM_ID, null)
      const metrics = createMetrics()
      const originPolicy = createOriginPolicy({
        allowed: options.allowedOrigins,
        sameHostInDev: options.dev ?? false,
      })
      const verifyToken = (token: string | undefined) => verifySessionToken(token, secret)
      const handleDocs = createDocsRoutes({ store: storage, verifyToken })

      async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const url = new URL(req.url ?? '/', 'http://localhost')
        if (url.pathname === '/healthz') {
          const ok = stopping === undefined
          return sendJson(res, ok ? 200 : 503, {
            status: ok ? 'ok' : 'stopping',
            uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
            connections: {
              socketio: state.io?.of('/').sockets.size ?? 0,
              yjs: state.collab?.connectionCount() ?? 0,
            },
          })
        }
        if (url.pathname === '/metrics' && req.method === 'GET') {
          const body = await metrics.registry.metrics()
          res.writeHead(200, { 'Content-Type': metrics.registry.contentType })
          res.end(body)
          return
        }
        if (url.pathname.startsWith('/api/')) {
          if (handleCors(req, res, originPolicy)) return
          if (!originPolicy.isAllowed(req.headers.origin, req.headers.host)) {
            return sendError(
              res,
              403,
              'forbidden',
              `origin ${req.headers.origin ?? ''} is not allowed`,
            )
          }
          if (await handleDocs(req, res, url)) return
        }
        sendError(res, 404, 'not_found', `nothing at ${url.pathname}`)
      }

      const httpServer = createServer((req, res) => {
        route(req, res).catch((error: unknown) => {
          log.error(`[http] ${req.method} ${req.url} failed`, error)
          if (!res.headersSent) sendError(res, 500, 'internal', 'an unknown error has occurred')
          else res.destroy()
        })
      })
      state.httpServer = httpServer

      const io: ChatServer = new Server(httpServer, {
        serveClient: false,
        // A short drop (tab asleep, Wi-Fi hiccup) gets its rooms and missed events back.
        connectionStateRecovery: {
          maxDisconnectionDuration: options.recoveryWindowMs ?? 2 * 60 * 1000,
          // Run the auth middleware on recovery too: an expired session must not sneak back in.
          skipMiddlewares: false,
        },
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
              origin !== undefined && originPolicy.isAllowed(origin, req.headers.host)
                ? origin
                : false,
            credentials: true,
          })
        },
        // Upgrades that are not ours are answered below instead of being cut after a timeout.
        destroyUpgrade: false,
        // Cluster mode: rooms, broadcasts and recovery sessions go through one Redis stream, so a
        // client that reconnects to another instance still gets its rooms and missed events.
        ...(node && {
          adapter: createAdapter(node.redis, {
            streamName: `${node.keyPrefix}socket.io`,
            channelPrefix: `${node.keyPrefix}socket.io`,
            sessionKeyPrefix: `${node.keyPrefix}sio:session:`,
          }),
        }),
      })
      state.io = io
      const presence = node
        ? createRedisPresence({
            redis: node.redis,
            keyPrefix: node.keyPrefix,
            instanceId: node.instanceId,
          })
        : undefined
      attachChat(io, {
        store: storage,
        verifyToken,
        limits,
        metrics,
        log,
        presence,
        ...(node && { redis: { client: node.redis, keyPrefix: node.keyPrefix } }),
      })
      const relay = node
        ? createDocRelay({
            redis: node.redis,
            subscriber: node.subscriber,
            keyPrefix: node.keyPrefix,
            instanceId: node.instanceId,
            ignoreOrigins: [FROM_STORAGE],
            log,
          })
        : undefined
      state.collab = attachCollab(httpServer, {
        store: storage,
        verifyToken,
        originPolicy,
        compactAfter: options.compactAfter ?? 200,
        metrics,
        log,
        relay,
      })
      if (node && presence) {
        node.instances.onTick(async ({ live, dead, rejoined }) => {
          if (rejoined) await presence.republish()
          for (const id of dead) {
            const left = await presence.sweep(id)
            log.info(
              `[cluster] instance ${id} stopped heartbeating; ${left.length} room member(s) removed`,
            )
          }
          relay?.pruneAwareness((id) => live.has(id))
        })
        await node.instances.start()
      }
      httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
        const pathname = new URL(req.url ?? '/', 'http://localhost').pathname
        if (pathname.startsWith('/socket.io/') || pathname.startsWith(`${COLLAB_PATH}/`)) return
        socket.on('error', () => undefined)
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      })

      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject)
        httpServer.listen(options.port, options.host, () => {
          httpServer.off('error', reject)
          resolve()
        })
      })
      return { port: (httpServer.address() as AddressInfo).port }
    } catch (error) {
      await teardown(state)
      running = undefined
      throw error
    }
  }

  async function teardown(state: Running): Promise<void> {
    const { httpServer, io, collab, cluster, storage } = state
    // New connections go to another instance (the load balancer sees the port closed).
    const listenerClosed = httpServer?.listening
      ? new Promise<void>((resolve) => httpServer.close(() => resolve()))
      : undefined
    // Yjs first: its documents are flushed to storage while the database is still open.
    if (collab) {
      const yjs = collab.connectionCount()
      await collab.stop()
      log.info(`[realtime] closed ${yjs} Yjs connection(s) and stored every open document`)
    }
    if (io) {
      const sockets = io.of('/').sockets.size
      // Closes every socket with "server shutting down", which clients treat as a dropped
      // connection: they reconnect, and recover their rooms (stored in Redis in cluster mode).
      const closed = io.close()
      // Keep-alive HTTP connections would hold close() open until they time out.
      httpServer?.closeAllConnections()
      await closed
      log.info(`[realtime] closed ${sockets} Socket.IO connection(s); their clients reconnect`)
    } else {
      httpServer?.closeAllConnections()
    }
    await listenerClosed
    if (cluster) {
      await cluster.close()
      log.info('[realtime] left the cluster and closed Redis')
    }
    await storage.close()
  }

  async function runStop(): Promise<void> {
    // A start in flight finishes (or fails and cleans up) before it is torn down.
    await starting?.catch(() => undefined)
    if (running) await teardown(running)
    running = undefined
  }

  return {
    start() {
      if (stopping)
        return Promise.reject(new Error('this realtime server was stopped; create a new one'))
      starting ??= runStart()
      return starting
    },
    stop() {
      stopping ??= runStop()
      return stopping
    },
  }
}
