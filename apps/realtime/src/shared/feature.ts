import type { VerifySessionResult } from '@duplex/auth'
import type { ProxyTrust, Readiness } from '@duplex/cluster'
import type { Kysely, Migration } from 'kysely'
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http'
import type { Redis } from 'ioredis'
import type { ServerOptions } from 'socket.io'
import type { z } from 'zod'
import type { InstanceTick } from './cluster/instances.ts'
import type { FaultRegistry } from './faults.ts'
import type { Logger } from './log.ts'
import type { Metrics } from './metrics.ts'
import type { OriginPolicy } from './origins.ts'
import type { SignOuts } from './session-connections.ts'
import type { SharedSocketServer } from './socket-io.ts'
import type { StorageDialect } from './storage/database.ts'

/** Checks a session token (see `verifySessionToken` in @duplex/auth). */
export type VerifyToken = (token: string | undefined) => Promise<VerifySessionResult>

/** Answers a request and resolves true, or resolves false when the path is not its own. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>

/** Cluster mode, as a feature sees it: the Redis of this instance and the heartbeat. */
export interface FeatureCluster {
  /** Commands and publishing. */
  redis: Redis
  /** Subscriptions only (Redis allows nothing else on a subscribed connection). */
  subscriber: Redis
  /** `REDIS_KEY_PREFIX`: start every key and channel with it. */
  keyPrefix: string
  /** This instance: `<host>:<pid>:<random>`. */
  instanceId: string
  /**
   * Runs after every heartbeat, with who is alive, who died, and whether this instance was taken
   * for dead (see `createInstanceRegistry`). Register during `attach`.
   */
  onTick(listener: (tick: InstanceTick) => Promise<void> | void): void
}

/** What `attach` gets: the shared infrastructure, and the feature's own configuration. */
export interface FeatureContext<Config = unknown> {
  /** The feature's variables, parsed by its `env` schema (undefined without one). */
  config: Config
  /** The one HTTP server; a feature with its own WebSocket path listens for `upgrade` on it. */
  httpServer: HttpServer
  /**
   * The one Socket.IO server. Its handshake already checked the origin and the session
   * (`socket.data.user`), and counts connections and events in the metrics; a feature adds its
   * own events in `io.on('connection')`, typed with its own event maps (see `SharedSocketServer`).
   */
  io: SharedSocketServer
  /** The database, migrated; narrow it to your tables with `db.withTables<YourTables>()`. */
  db: Kysely<unknown>
  dialect: StorageDialect
  verifyToken: VerifyToken
  /**
   * Sign-outs, made in any tab and on any instance. A feature with connections of its own (not
   * Socket.IO, which the server handles) closes a session's connections on it, best through
   * `createSessionConnections`, which also ends them when the session expires.
   */
  signOuts: SignOuts
  originPolicy: OriginPolicy
  /**
   * `TRUSTED_PROXIES`: whom a per-IP limit counts. For a socket, `clientAddressOf(socket,
   * proxyTrust)` (shared/socket-io.ts); for a request or an upgrade, `proxyTrust.clientAddress({
   * peer: req.socket.remoteAddress, forwardedFor: req.headers['x-forwarded-for'] })`. Never the
   * peer alone (behind a proxy every client is the proxy) nor the header alone (forgeable).
   */
  proxyTrust: ProxyTrust
  metrics: Metrics
  log: Logger
  /**
   * "Break it": register a connection here (owner = its user id) to let its own page inject
   * faults into it through `POST /api/faults` (see `socketIoFaults`, `webSocketFaults`).
   */
  faults: FaultRegistry
  /**
   * What `GET /readyz` reports. A feature that opens a dependency of its own (a queue, an API it
   * calls) registers it here: `readiness.register('search', cachedProbe(() => ping()))`.
   */
  readiness: Readiness
  /** Cluster mode only. */
  cluster?: FeatureCluster | undefined
}

/** A feature once attached: what the server asks of it while running and when stopping. */
export interface AttachedFeature {
  /**
   * Closes what the feature opened and stores what it holds. Called once, in reverse list order,
   * after the port stopped accepting and before Socket.IO, Redis and the database are closed.
   */
  stop(): Promise<void>
  /** Open connections by transport, for `/healthz` (e.g. `{ yjs: 3 }`). */
  connections?(): Record<string, number>
  /** Requests under `/api/`, after the origin check and CORS. */
  handleHttp?: HttpHandler
  /** Path prefixes of the upgrades it answers itself (e.g. `/ws/`); others get 404. */
  upgradePrefixes?: readonly string[]
}

/**
 * One feature of the realtime server: a folder under `src/features/`, listed once in
 * `src/features/index.ts`. The server knows nothing else about it.
 *
 * @example
 * export const echo = defineFeature({
 *   name: 'echo',
 *   attach({ io }) {
 *     io.on('connection', (socket) => socket.on('echo', (payload, ack) => ack?.(payload)))
 *     return { stop: async () => undefined }
 *   },
 * })
 */
export interface RealtimeFeature<Config = unknown> {
  /** Short and unique; also the start of its migrations' names (`<name>_0001_…`). */
  readonly name: string
  /** Its variables (`CHAT_*`…), read from the environment; becomes `context.config`. */
  readonly env?: z.ZodType<Config> | undefined
  /** Its tables (see `collectMigrations`). */
  migrations?(dialect: StorageDialect): Record<string, Migration>
  /** Options it needs on the shared Socket.IO server, which exists before any `attach`. */
  socketIoOptions?(config: Config): Partial<ServerOptions>
  attach(context: FeatureContext<Config>): Promise<AttachedFeature> | AttachedFeature
}

/** Keeps a feature's `Config` type between its `env` schema and its `attach`. */
export function defineFeature<Config = undefined>(
  feature: RealtimeFeature<Config>,
): RealtimeFeature<Config> {
  return feature
}
