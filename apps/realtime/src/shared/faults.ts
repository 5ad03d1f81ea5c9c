import {
  createFaultRegistry as createSharedFaultRegistry,
  type FaultRegistry as SharedFaultRegistry,
  type FaultTarget,
} from '@duplex/faults'
import { FaultErrorCode, FaultRequestSchema, type FaultSettings } from '@duplex/protocol/faults'
import { describeZodError, zodIssues } from '@duplex/protocol/errors'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'socket.io'
import type { WebSocket } from 'ws'
import { z } from 'zod'
import { FaultsEnvShape, type EnvSource } from './env.ts'
import {
  BodyError,
  readJsonBody,
  sendError,
  sendJson,
  sendSessionRefused,
  tokenFromRequest,
} from './http.ts'
import type { VerifyToken } from './feature.ts'

/*
 * "Break it": a visitor injects a fault into their own Socket.IO or y-websocket connection, on the
 * server side, to watch the client recover (see the panels on the chat and editor pages). The web
 * app applies the same registry (packages/faults) to its event streams.
 */

const FaultsEnvSchema = z.object(FaultsEnvShape)

/** The settings of `FAULTS_*` in `source` (validated once more by `parseEnv` at start-up). */
export function faultSettingsFrom(source: EnvSource): FaultSettings & { enabled: boolean } {
  const env = FaultsEnvSchema.parse(source)
  return {
    enabled: env.FAULTS_ENABLED,
    stallMs: env.FAULTS_STALL_MS,
    ratePoints: env.FAULTS_RATE_POINTS,
    rateSeconds: env.FAULTS_RATE_SECONDS,
  }
}

export type { FaultResult, FaultTarget } from '@duplex/faults'

/** The target of the owner's connection `connectionId`, looked up when a fault arrives. */
export type FaultLookup = (owner: string, connectionId: string) => FaultTarget | undefined

export interface FaultRegistry extends SharedFaultRegistry {
  /** `GET`/`POST /api/faults`, session-bound (the origin check and CORS ran before). */
  handleHttp(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>
  /**
   * Connections found when a fault arrives instead of registered one by one: for connections a
   * library already keeps by id (Socket.IO's sockets), so an idle one holds nothing for faults.
   * Asked only for an id nothing registered; the fault then goes through the same switch,
   * support check and rate limit as a registered one.
   */
  addLookup(lookup: FaultLookup): void
}

/**
 * The faults of this instance's connections (the registry `@duplex/faults` keeps for both apps:
 * keyed by owner and id, rate limited per user), and the HTTP route that reaches them. Faults
 * only reach connections of this instance, so the registry is in memory.
 */
export function createFaultRegistry(
  settings: FaultSettings & { enabled: boolean },
  verifyToken: VerifyToken,
): FaultRegistry {
  const shared = createSharedFaultRegistry(settings)
  const lookups: FaultLookup[] = []
  const registry: FaultRegistry = {
    ...shared,
    addLookup(lookup) {
      lookups.push(lookup)
    },
    async inject(owner, connectionId, fault) {
      const result = await shared.inject(owner, connectionId, fault)
      if (result.ok || result.code !== FaultErrorCode.unknownConnection) return result
      for (const lookup of lookups) {
        const target = lookup(owner, connectionId)
        if (!target) continue
        // Registered for the length of this one fault (nothing else holds this id: see above).
        const unregister = shared.register(owner, connectionId, target)
        try {
          return await shared.inject(owner, connectionId, fault)
        } finally {
          unregister()
        }
      }
      return result
    },
    async handleHttp(req, res, url) {
      if (url.pathname !== '/api/faults') return false
      if (req.method === 'GET') {
        sendJson(res, 200, settings)
        return true
      }
      if (req.method !== 'POST') {
        sendError(res, 405, 'method_not_allowed', 'use GET or POST')
        return true
      }
      const session = await verifyToken(tokenFromRequest(req, url))
      if (!session.ok) {
        sendSessionRefused(res, session, 'Not signed in: ')
        return true
      }
      let body: unknown
      try {
        body = await readJsonBody(req)
      } catch (error) {
        if (!(error instanceof BodyError)) throw error
        sendError(res, error.status, 'invalid', error.message)
        return true
      }
      const parsed = FaultRequestSchema.safeParse(body)
      if (!parsed.success) {
        sendError(
          res,
          400,
          'invalid',
          `Invalid fault: ${describeZodError(parsed.error)}`,
          zodIssues(parsed.error),
        )
        return true
      }
      const { connectionId, fault } = parsed.data
      const result = await registry.inject(session.user.id, connectionId, fault)
      if (result.ok) {
        sendJson(res, 202, result.accepted)
        return true
      }
      if (result.retryAfterSeconds !== undefined)
        res.setHeader('Retry-After', String(result.retryAfterSeconds))
      sendError(res, result.status, result.code, result.message)
      return true
    },
  }
  return registry
}

/**
 * Faults for one Socket.IO socket. `drop` closes the underlying transport without a disconnect
 * packet (reason "forced close" here, "transport close" in the client), which is what a lost
 * network looks like: the client reconnects and connection state recovery gives it back its id,
 * rooms and missed events. `stall` holds Engine.IO's outgoing packets, pings included, then sends
 * them in order; the client keeps sending meanwhile, so its acks come late, not never.
 *
 * Written against Engine.IO's `flush()` because Socket.IO has no public "pause writes": it is the
 * one place every outgoing packet of the connection passes through.
 */
export function socketIoFaults(socket: Socket, stallMs: number): FaultTarget {
  return {
    drop: () => socket.conn.close(),
    stall: () => {
      // `flush` is private in the typings; an own property shadows the prototype's until deleted.
      const conn = socket.conn as unknown as { flush?: () => void }
      if (Object.hasOwn(conn, 'flush')) return // already stalled
      conn.flush = () => undefined
      const timer = setTimeout(() => {
        delete conn.flush
        ;(conn as { flush(): void }).flush()
      }, stallMs)
      timer.unref()
      socket.once('disconnect', () => clearTimeout(timer))
    },
  }
}

/**
 * Faults for one y-websocket connection. `drop` cuts the TCP connection without a close frame
 * (the client sees 1006 and reconnects, then both sides exchange state vectors and resync).
 * `stall` holds every message the server sends for `stallMs`, then sends them in order.
 */
export function webSocketFaults(ws: WebSocket, stallMs: number): FaultTarget {
  let held: Parameters<WebSocket['send']>[] | undefined
  return {
    drop: () => ws.terminate(),
    stall: () => {
      if (held) return
      held = []
      const send = ws.send
      ws.send = ((...args: Parameters<WebSocket['send']>) => {
        held?.push(args)
      }) as WebSocket['send']
      const timer = setTimeout(() => {
        ws.send = send
        const frames = held ?? []
        held = undefined
        if (ws.readyState === ws.OPEN) for (const args of frames) ws.send(...args)
      }, stallMs)
      timer.unref()
      ws.once('close', () => clearTimeout(timer))
    },
  }
}
