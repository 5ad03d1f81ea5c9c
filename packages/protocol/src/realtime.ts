import { z } from 'zod'

/**
 * Sent by the realtime server to one Socket.IO client right before it disconnects that client on
 * purpose (`io server disconnect`), so the page can say why instead of "disconnected".
 */
export const DISCONNECT_REASON_EVENT = 'disconnect-reason'

export const DisconnectReasonCode = {
  /**
   * The client stopped reading: more than `SOCKETIO_MAX_BUFFERED_BYTES` waited to be sent to it.
   * Reconnecting is fine (it resumes from history), but the same slow link may hit it again.
   */
  slowConsumer: 'slow_consumer',
  /** The session was signed out (in any tab, on any instance). Do not reconnect; sign in again. */
  signedOut: 'signed_out',
  /** The session's token expired. Do not reconnect with it; sign in again. */
  sessionExpired: 'session_expired',
} as const
export type DisconnectReasonCode = (typeof DisconnectReasonCode)[keyof typeof DisconnectReasonCode]

export const DisconnectReasonSchema = z.object({
  code: z.enum(['slow_consumer', 'signed_out', 'session_expired']),
  message: z.string(),
})
export type DisconnectReason = z.infer<typeof DisconnectReasonSchema>
