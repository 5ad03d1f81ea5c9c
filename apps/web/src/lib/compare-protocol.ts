import { z } from 'zod'

/**
 * The /compare page's SSE leg: the page POSTs a message and gets it back as an `echo` event on
 * its own event stream, so SSE is timed page → server → page like the two WebSocket legs.
 */
export const CompareHelloSchema = z.object({ connectionId: z.string() })
export type CompareHello = z.infer<typeof CompareHelloSchema>

export const CompareEchoSchema = z
  .object({
    connectionId: z.string().min(1).max(64),
    seq: z.number().int().nonnegative(),
    /** The page's clock when it sent the message (`performance.now()`), echoed back unchanged. */
    t: z.number(),
  })
  .strict()
export type CompareEcho = z.infer<typeof CompareEchoSchema>

/** Most messages one live run may send per transport. */
export const COMPARE_MAX_MESSAGES = 5000
