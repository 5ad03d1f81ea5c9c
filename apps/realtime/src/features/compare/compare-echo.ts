import {
  CompareSocketEchoSchema,
  type CompareClientToServerEvents,
  type CompareSocketEchoAck,
} from '@duplex/protocol/compare'
import { describeZodError } from '@duplex/protocol/errors'
import type { Server } from 'socket.io'
import type { Logger } from '../../shared/log.ts'
import type { Metrics } from '../../shared/metrics.ts'
import { onEverySocket } from '../../shared/socket-io.ts'

/** The shared Socket.IO server as /compare sees it: one event in, nothing pushed. */
export type CompareServer = Server<CompareClientToServerEvents, Record<string, never>>

export interface CompareEchoDeps {
  metrics: Metrics
  log: Logger
}

/**
 * Answers `compare-echo` `{ seq, t }` with `{ ok: true, seq, t }` in its ack, so the /compare page
 * can time a Socket.IO round trip against the SSE one. A bad payload is acked `invalid` with the
 * field named; nothing a client sends can throw, and an echo without an ack is dropped.
 *
 * @example
 * attachCompareEcho(io as unknown as CompareServer, { metrics, log })
 */
export function attachCompareEcho(io: CompareServer, deps: CompareEchoDeps): void {
  const { metrics, log } = deps
  // At the edge arguments are whatever the client sent, so the listener takes `unknown`. It needs
  // nothing of the socket, so one listener serves every connection.
  const listener = (...args: unknown[]): void => {
    const last = args.at(-1)
    const ack =
      typeof last === 'function' ? (last as (res: CompareSocketEchoAck) => void) : undefined
    if (!ack) return
    let response: CompareSocketEchoAck
    try {
      const parsed = CompareSocketEchoSchema.safeParse(args.length > 1 ? args[0] : undefined)
      response = parsed.success
        ? { ok: true, seq: parsed.data.seq, t: parsed.data.t }
        : { ok: false, error: { code: 'invalid', message: describeZodError(parsed.error) } }
    } catch (error) {
      log.error('[compare] compare-echo failed', error)
      response = {
        ok: false,
        error: { code: 'internal', message: 'an unknown error has occurred' },
      }
    }
    if (!response.ok) metrics.rejected.inc({ transport: 'socketio', code: response.error.code })
    metrics.messagesOut.inc({ transport: 'socketio' })
    ack(response)
  }
  onEverySocket(io, 'compare-echo', listener)
}
