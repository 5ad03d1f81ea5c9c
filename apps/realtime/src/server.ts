import {
  createFileRevocationStore,
  loadSessionSecret,
  verifySessionToken,
  type RevocationStore,
} from '@duplex/auth'
import { createClusterRevocationStore } from '@duplex/auth/cluster'
import {
  NO_TRUSTED_PROXIES,
  cachedProbe,
  createReadiness,
  createRejectionReporter,
  redisProbe,
  type ClusterMode,
  type ProxyTrust,
  type Readiness,
} from '@duplex/cluster'
import { ORIGIN_CHECK_PATH } from '@duplex/protocol/origin'
import { sql } from 'kysely'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { Duplex } from 'node:stream'
import type { ServerOptions } from 'socket.io'
import { features as allFeatures } from './features/index.ts'
import { connectCluster, type ClusterNode, type ClusterOptions } from './shared/cluster/cluster.ts'
import { parseFeatureEnv, type EnvSource } from './shared/env.ts'
import type { AttachedFeature, FeatureCluster, RealtimeFeature } from './shared/feature.ts'
import { createFaultRegistry, faultSettingsFrom } from './shared/faults.ts'
import { handleCors, sendError, sendJson, sendOriginCheck } from './shared/http.ts'
import type { Logger } from './shared/log.ts'
import { createMetrics } from './shared/metrics.ts'
import { createOriginPolicy } from './shared/origins.ts'
import type { SignOuts } from './shared/session-connections.ts'
import { createSocketIo, type SharedSocketServer } from './shared/socket-io.ts'
import { SQLITE_FILE, openDatabase, type Database } from './shared/storage/database.ts'
import { serverMigrations } from './shared/storage/migrations.ts'

export interface RealtimeServerOptions {
  /** `REALTIME_PORT`; 0 picks a free port (tests). */
  port: number
  /** `REALTIME_HOST`; all interfaces when undefined. */
  host?: string | undefined
  /** Folder for the SQLite file and the generated session secret (see `resolveDataDir`). */
  dataDir: string
  /** `SESSION_SECRET`; when undefined the shared secret in `dataDir` is used (or created). */
  sessionSecret?: string | undefined
  /** `ALLOWED_ORIGINS`; undefined allows the web app on `webPort` (see `createOriginPolicy`). */
  allowedOrigins?: readonly string[] | '*' | undefined
  /** `PORT`: the web app's port, whose local origins are allowed by default; 3000 when undefined. */
  webPort?: number | undefined
  /**
   * `TRUSTED_PROXIES`: the proxies whose `X-Forwarded-For` names the client that per-IP limits
   * count (see `createProxyTrust`). None when undefined: the client is the TCP peer.
   */
  trustedProxies?: ProxyTrust | undefined
  /** Development conveniences: same-host origins are allowed when no list is configured. */
  dev?: boolean
  /**
   * Where the features read their variables (see each feature's `env.ts`):
   * `process.env` in production, a few overrides in tests. Defaults when undefined.
   */
  env?: EnvSource
  /** `SOCKETIO_MAX_BUFFERED_BYTES`: see `capOutboundBuffer`; 4 MiB when undefined. */
  socketIoMaxBufferedBytes?: number | undefined
  /** `METRICS_TOKEN`: `/metrics` needs it as a bearer token; loopback-only when undefined. */
  metricsToken?: string | undefined
  /** The features to run; `src/features/index.ts` when undefined. */
  features?: readonly RealtimeFeature[]
  /**
   * Cluster mode: several stateless instances behind a load balancer share PostgreSQL (instead of
   * the SQLite file in `dataDir`) and Redis. Single mode when undefined.
   */
  cluster?: ClusterOptions
  log?: Logger
}

export interface RealtimeServer {
  /** Opens storage, attaches every feature, and listens. Resolves with the bound port. */
  start(): Promise<{ port: number }>
  /**
   * Stops accepting connections, stops every feature (each closes its own connections, so
   * clients reconnect, in cluster mode to another instance, and stores what it holds), closes
   * the Socket.IO connections without telling clients to stay away (in cluster
   * mode their state is left in Redis for the instance they reconnect to), then closes Redis and
   * the database. Safe to call more than once, and before or during start.
   */
  stop(): Promise<void>
  /**
   * What this server answers `GET /readyz` with: each dependency (`database`, `redis` in cluster
   * mode, whatever a feature registered) and whether it is up.
   */
  readonly readiness: Readiness
  /**
   * The entry file's `unhandledRejection` listener: logs each distinct cause once and counts
   * every one in `/metrics` (`duplex_realtime_unhandled_rejections_total`). The process stays up.
   */
  reportUnhandledRejection(reason: unknown): void
}

const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024

/**
 * Who may read `/metrics` (process memory, connection counts, refusals: useful to an attacker
 * sizing a flood). With a token: whoever presents it. Without: direct loopback requests only.
 */
function metricsAllowed(req: IncomingMessage, token: string | undefined): boolean {
  if (token !== undefined) {
    const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    return presented !== undefined && safeEqual(presented, token)
  }
  const address = req.socket.remoteAddress ?? ''
  const loopback =
    address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.')
  // A proxy on this host makes every request look local; it says so in these headers.
  return (
    loopback && req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined
  )
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

interface Running {
  database: Database
  cluster?: ClusterNode
  revocations?: RevocationStore
  io?: SharedSocketServer
  /** Attached so far, in list order. */
  attached: { name: string; feature: AttachedFeature }[]
  httpServer?: ReturnType<typeof createServer>
  /** Readiness probes of what this start opened, removed with it. */
  unregister: (() => void)[]
}

/**
 * The realtime server: the features in `src/features/index.ts` on one HTTP server and one port,
 * with `/healthz`, `/metrics`, one Socket.IO server and one database shared by all of them.
 *
 * @example
 * const server = createRealtimeServer({ port: 0, dataDir })
 * const { port } = await server.start()
 * await server.stop()
 */
export function createRealtimeServer(options: RealtimeServerOptions): RealtimeServer {
  const log = options.log ?? console
  const features = options.features ?? allFeatures
  const mode: ClusterMode = options.cluster ? 'cluster' : 'single'
  const startedAt = Date.now()
  let running: Running | undefined
  let starting: Promise<{ port: number }> | undefined
  let stopping: Promise<void> | undefined
  // Made before start: a rejection may come at any time, and `/metrics` counts it.
  const metrics = createMetrics()
  const readiness = createReadiness()
  const reportUnhandledRejection = createRejectionReporter({
    log: (message, reason) => log.error(`[realtime] ${message}`, reason),
    onRejection: () => metrics.unhandledRejections.inc(),
  })

  async function runStart(): Promise<{ port: number }> {
    // Before anything opens: a bad variable is a configuration error, not a half-started server.
    const configs = features.map((feature) =>
      feature.env ? parseFeatureEnv(feature.env, options.env ?? {}) : undefined,
    )
    // Created here first, owner-only: it holds the session secret and, in single mode, every
    // message and document. (An existing folder keeps the mode its owner gave it.)
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 })
    const secret = await loadSessionSecret({
      dataDir: options.dataDir,
      secret: options.sessionSecret,
    })
    const cluster = options.cluster
    const database = await openDatabase(
      cluster
        ? { kind: 'postgres', url: cluster.databaseUrl, schema: cluster.databaseSchema }
        : { kind: 'sqlite', file: path.join(options.dataDir, SQLITE_FILE) },
      (dialect) => serverMigrations(dialect, features),
    )
    const state: Running = { database, attached: [], unregister: [] }
    running = state
    try {
      if (cluster) state.cluster = await connectCluster(cluster, log)
      const node = state.cluster
      // Dependencies say how they are, cheaply: the database by a `select 1` run at most once a
      // second however often it is asked, Redis by the state of its connections.
      state.unregister.push(
        readiness.register(
          'database',
          cachedProbe(() => sql`select 1`.execute(database.db)),
        ),
      )
      if (node)
        state.unregister.push(readiness.register('redis', redisProbe(node.redis, node.subscriber)))
      const originPolicy = createOriginPolicy({
        allowed: options.allowedOrigins,
        webPort: options.webPort,
        sameHostInDev: options.dev ?? false,
      })
      const proxyTrust = options.trustedProxies ?? NO_TRUSTED_PROXIES
      // Sign-outs are read where the web app writes them: the data folder, or in a cluster the
      // database (with Redis as the fast path and the broadcast). Each one closes that session's
      // connections here, whichever instance it was made on.
      const revocations: RevocationStore = node
        ? createClusterRevocationStore({
            db: database.db,
            redis: node.redis,
            subscriber: node.subscriber,
            keyPrefix: node.keyPrefix,
            log: (message) => log.warn(`[sessions] ${message}`),
          })
        : createFileRevocationStore({ dataDir: options.dataDir })
      state.revocations = revocations
      const signOuts: SignOuts = {
        onSignedOut: (listener) => revocations.onRevoked(listener),
        isSignedOut: (tokenId) => revocations.knownRevoked(tokenId),
      }
      const verifyToken = (token: string | undefined) =>
        verifySessionToken(token, secret, { revocations })
      const faults = createFaultRegistry(faultSettingsFrom(options.env ?? {}), verifyToken)

      async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const url = new URL(req.url ?? '/', 'http://localhost')
        if (url.pathname === '/healthz') {
          // Liveness: 200 while this process serves, whatever its dependencies say. Redis or
          // PostgreSQL away is every instance's problem at once; an orchestrator restarting them
          // all would turn an outage of one store into an outage of the whole service.
          const ok = stopping === undefined
          const connections: Record<string, number> = {
            socketio: state.io?.of('/').sockets.size ?? 0,
          }
          for (const { feature } of state.attached)
            Object.assign(connections, feature.connections?.())
          const { dependencies } = await readiness.check()
          return sendJson(res, ok ? 200 : 503, {
            status: ok ? 'ok' : 'stopping',
            mode,
            uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
            connections,
            dependencies,
          })
        }
        if (url.pathname === '/readyz') {
          // Readiness: 503 naming what is missing, so a balancer or an operator knows why.
          const report = await readiness.check()
          const ready = report.status === 'ok' && stopping === undefined
          return sendJson(res, ready ? 200 : 503, {
            ...report,
            status: stopping !== undefined ? 'stopping' : report.status,
          })
        }
        if (url.pathname === '/metrics' && req.method === 'GET') {
          if (!metricsAllowed(req, options.metricsToken)) {
            metrics.rejected.inc({ transport: 'http', code: 'forbidden' })
            return sendError(
              res,
              403,
              'forbidden',
              options.metricsToken === undefined
                ? '/metrics answers loopback requests only (set METRICS_TOKEN to scrape from elsewhere)'
                : '/metrics needs Authorization: Bearer <METRICS_TOKEN>',
            )
          }
          const body = await metrics.registry.metrics()
          res.writeHead(200, { 'Content-Type': metrics.registry.contentType })
          res.end(body)
          return
        }
        // Before the origin check below: its answer is for the pages that check refuses.
        if (url.pathname === ORIGIN_CHECK_PATH && (req.method === 'GET' || req.method === 'HEAD'))
          return sendOriginCheck(req, res, originPolicy)
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
          if (await faults.handleHttp(req, res, url)) return
          for (const { feature } of state.attached) {
            if (await feature.handleHttp?.(req, res, url)) return
          }
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

      const socketIoOptions: Partial<ServerOptions> = {}
      features.forEach((feature, i) =>
        Object.assign(socketIoOptions, feature.socketIoOptions?.(configs[i])),
      )
      const io = createSocketIo(httpServer, {
        originPolicy,
        proxyTrust,
        verifyToken,
        signOuts,
        metrics,
        log,
        redis: node && { client: node.redis, keyPrefix: node.keyPrefix },
        options: socketIoOptions,
        maxBufferedBytes: options.socketIoMaxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
      })
      state.io = io

      const featureCluster: FeatureCluster | undefined = node && {
        redis: node.redis,
        subscriber: node.subscriber,
        keyPrefix: node.keyPrefix,
        instanceId: node.instanceId,
        onTick: (listener) => node.instances.onTick(listener),
      }
      for (const [i, feature] of features.entries()) {
        const attached = await feature.attach({
          config: configs[i],
          httpServer,
          io,
          db: database.db,
          dialect: database.dialect,
          verifyToken,
          signOuts,
          originPolicy,
          proxyTrust,
          metrics,
          log,
          faults,
          readiness,
          cluster: featureCluster,
        })
        state.attached.push({ name: feature.name, feature: attached })
      }
      // Every feature has registered its heartbeat listener by now.
      if (node) await node.instances.start()

      const upgradePrefixes = [
        '/socket.io/',
        ...state.attached.flatMap(({ feature }) => feature.upgradePrefixes ?? []),
      ]
      httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
        const pathname = new URL(req.url ?? '/', 'http://localhost').pathname
        if (upgradePrefixes.some((prefix) => pathname.startsWith(prefix))) return
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
    const { httpServer, io, attached, cluster, database, revocations } = state
    for (const unregister of state.unregister.splice(0)) unregister()
    // New connections go to another instance (the load balancer sees the port closed).
    const listenerClosed = httpServer?.listening
      ? new Promise<void>((resolve) => httpServer.close(() => resolve()))
      : undefined
    // Features first, in reverse order: what they hold in memory is stored while the database
    // is still open.
    for (const { name, feature } of [...attached].reverse()) {
      await feature.stop().catch((error: unknown) => log.error(`[${name}] stop failed`, error))
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
    await revocations?.close()
    if (cluster) {
      await cluster.close()
      log.info('[realtime] left the cluster and closed Redis')
    }
    await database.close()
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
    readiness,
    reportUnhandledRejection,
  }
}
