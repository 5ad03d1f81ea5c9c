import { z } from 'zod'

// The /compare page times the same round trip over each transport. It owns these messages, so it
// borrows no other demo's events and keeps working when a demo is removed.

// ---------------------------------------------------------------------------
// SSE leg: POST /api/compare/echo, answered as an `echo` event on the page's own stream
// ---------------------------------------------------------------------------

/** First event of `GET /api/compare/stream`: the id to POST echoes for. */
export const CompareHelloSchema = z.object({ connectionId: z.string() })
export type CompareHello = z.infer<typeof CompareHelloSchema>

/** Body of `POST /api/compare/echo`, sent back unchanged as the stream's `echo` event. */
export const CompareEchoSchema = z
  .object({
    connectionId: z.string().min(1).max(64),
    seq: z.number().int().nonnegative(),
    /** The page's clock when it sent the message (`performance.now()`), echoed back unchanged. */
    t: z.number(),
  })
  .strict()
export type CompareEcho = z.infer<typeof CompareEchoSchema>

// ---------------------------------------------------------------------------
// Socket.IO leg: `compare-echo`, answered by its ack
// ---------------------------------------------------------------------------

/** Payload of `compare-echo`: returned unchanged in the ack. */
export const CompareSocketEchoSchema = z
  .object({
    seq: z.number().int().nonnegative(),
    /** The page's clock when it sent the message (`performance.now()`). */
    t: z.number(),
  })
  .strict()
export type CompareSocketEcho = z.infer<typeof CompareSocketEchoSchema>

export const CompareErrorCodeSchema = z.enum(['invalid', 'rate_limited', 'internal'])
export type CompareErrorCode = z.infer<typeof CompareErrorCodeSchema>

/** `{ ok: true, seq, t }`, or `{ ok: false, error: { code, message } }` for a refused echo. */
export const CompareSocketEchoAckSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }).extend(CompareSocketEchoSchema.shape),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: CompareErrorCodeSchema, message: z.string() }),
  }),
])
export type CompareSocketEchoAck = z.infer<typeof CompareSocketEchoAckSchema>

/**
 * Events the /compare page emits on the realtime server's Socket.IO connection.
 *
 * @example
 * const socket: Socket<Record<never, never>, CompareClientToServerEvents> = io(url)
 * const ack = await socket.emitWithAck('compare-echo', { seq: 1, t: performance.now() })
 */
export interface CompareClientToServerEvents {
  'compare-echo': (payload: CompareSocketEcho, ack: (res: CompareSocketEchoAck) => void) => void
}
