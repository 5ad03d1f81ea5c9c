import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'

/** A transport the realtime server speaks (`socketio`, `yjs`…): the `transport` label of every metric. */
export type Transport = string

export interface Metrics {
  registry: Registry
  /** Open connections right now. */
  connections: Gauge<'transport'>
  /** Events (Socket.IO) or frames (Yjs) received. */
  messagesIn: Counter<'transport'>
  /** Events (Socket.IO, counted per receiving socket) or frames (Yjs) sent. */
  messagesOut: Counter<'transport'>
  /** Requests refused, by error code (`invalid`, `rate_limited`, `unauthorized`…). */
  rejected: Counter<'transport' | 'code'>
  /**
   * Promises that failed with nobody awaiting them (see `reportUnhandledRejection`): each one a
   * bug to fix, none a reason to exit.
   */
  unhandledRejections: Counter
  /**
   * Creates the zero series of a transport and of the error codes it may refuse with, so
   * dashboards show 0 rather than "no data" from the start. Each feature declares its own.
   */
  declare(transport: Transport, codes?: readonly string[]): void
}

/**
 * Prometheus metrics of one server instance. Each instance has its own registry (not prom-client's
 * global one) so tests can run several servers in one process.
 */
export function createMetrics(): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'duplex_realtime_' })
  const connections = new Gauge({
    name: 'duplex_realtime_connections',
    help: 'Open connections, by transport',
    labelNames: ['transport'],
    registers: [registry],
  })
  const messagesIn = new Counter({
    name: 'duplex_realtime_messages_in_total',
    help: 'Messages received, by transport',
    labelNames: ['transport'],
    registers: [registry],
  })
  const messagesOut = new Counter({
    name: 'duplex_realtime_messages_out_total',
    help: 'Messages sent, by transport',
    labelNames: ['transport'],
    registers: [registry],
  })
  const rejected = new Counter({
    name: 'duplex_realtime_rejected_messages_total',
    help: 'Requests refused, by transport and error code',
    labelNames: ['transport', 'code'],
    registers: [registry],
  })
  const unhandledRejections = new Counter({
    name: 'duplex_realtime_unhandled_rejections_total',
    help: 'Promise rejections nobody handled (logged once per cause; the process keeps running)',
    registers: [registry],
  })
  function declare(transport: Transport, codes: readonly string[] = []): void {
    // inc by 0 creates a series without changing one that exists.
    connections.inc({ transport }, 0)
    messagesIn.inc({ transport }, 0)
    messagesOut.inc({ transport }, 0)
    for (const code of ['unauthorized', ...codes]) rejected.inc({ transport, code }, 0)
  }
  return { registry, connections, messagesIn, messagesOut, rejected, unhandledRejections, declare }
}
