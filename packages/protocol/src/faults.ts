import { z } from 'zod'

/**
 * "Break it": faults a visitor injects into their own connection, on the server side, to watch
 * each transport recover. The web app takes them for its event streams (`POST /api/faults`), the
 * realtime server for Socket.IO and y-websocket connections (`POST /api/faults` on its origin).
 */

/**
 * - `drop`: the server cuts the connection without a goodbye, as a network failure would.
 * - `stall`: the server stops writing for a while; the socket stays open and nothing is lost.
 * - `restart`: the stream ends the way it does on SIGTERM (a `retry:` hint, then the end);
 *   event streams only.
 */
export const FaultKindSchema = z.enum(['drop', 'stall', 'restart'])
export type FaultKind = z.infer<typeof FaultKindSchema>

/** The transports faults reach; each names its connections its own way (see `connectionId`). */
export const FaultTransportSchema = z.enum(['sse', 'socketio', 'yjs'])
export type FaultTransport = z.infer<typeof FaultTransportSchema>

/** A connection as its client knows it: a stream's `connectionId`, a socket's `id`, a Yjs `conn`. */
export const FaultConnectionIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[\w-]+$/, 'must be letters, digits, - or _')

/**
 * Query parameter a client adds to name its connection when the transport has no id of its own to
 * show the page: a y-websocket URL (`?conn=…`) or a job's event stream (`?stream=…`).
 * Reconnects reuse the URL, so the name survives them.
 */
export const FaultConnectionParam = { yjs: 'conn', sse: 'stream' } as const

/** Body of `POST /api/faults`: which of my connections, and what to do to it. */
export const FaultRequestSchema = z.object({
  transport: FaultTransportSchema,
  connectionId: FaultConnectionIdSchema,
  fault: FaultKindSchema,
})
export type FaultRequest = z.infer<typeof FaultRequestSchema>

/** 202 answer of `POST /api/faults`: the fault is being applied now. */
export const FaultAcceptedSchema = z.object({
  connectionId: z.string(),
  fault: FaultKindSchema,
  /** How long a `stall` lasts; 0 for the other faults. */
  durationMs: z.number().int().nonnegative(),
})
export type FaultAccepted = z.infer<typeof FaultAcceptedSchema>

/** `GET /api/faults`: whether this deployment takes faults, and what they cost. */
export const FaultSettingsSchema = z.object({
  enabled: z.boolean(),
  stallMs: z.number().int().nonnegative(),
  /** Faults one session may inject per window. */
  ratePoints: z.number().int().nonnegative(),
  rateSeconds: z.number().int().positive(),
})
export type FaultSettings = z.infer<typeof FaultSettingsSchema>

/** Error codes of `POST /api/faults`, besides `invalid` and `unauthorized`. */
export const FaultErrorCode = {
  /** `FAULTS_ENABLED=false`: this deployment takes no faults (403). */
  disabled: 'faults_disabled',
  /** None of this session's open connections has that id (404). */
  unknownConnection: 'not_found',
  /** Too many faults from this session; `Retry-After` says when to try again (429). */
  rateLimited: 'rate_limited',
  /** The fault does not apply to that transport, e.g. `restart` on a WebSocket (400). */
  unsupported: 'unsupported',
} as const
