import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'

/** Transports the realtime server speaks; the `transport` label of every metric. */
export type Transport = 'socketio' | 'yjs'

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
  // Zero series exist from the start, so dashboards show 0 rather than "no data".
  for (const transport of ['socketio', 'yjs'] as const) {
    connections.set({ transport }, 0)
    messagesIn.inc({ transport }, 0)
    messagesOut.inc({ transport }, 0)
    rejected.inc({ transport, code: 'unauthorized' }, 0)
  }
  for (const code of ['invalid', 'rate_limited', 'too_large', 'not_in_room'] as const) {
    rejected.inc({ transport: 'socketio', code }, 0)
  }
  return { registry, connections, messagesIn, messagesOut, rejected }
}
