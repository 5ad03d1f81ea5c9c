import type { Scenario } from '../../harness/scenario.ts'
import { nextPublisher, nextSpec } from './endpoints.ts'

const NAME = 'Next SSE route'

/**
 * The ticker's SSE route handler on `next start`, beside B2 (raw `node:http` SSE): the flood, the
 * fan-out (through `POST /api/bench/ticker`, the hub's own `publish`) and idle streams.
 */
export const ticker: Scenario = {
  name: 'ticker',
  servers: ['web'],
  serverEnv: {
    web: {
      // Turns on `POST /api/bench/ticker`.
      DUPLEX_BENCH: '1',
      // The market ticks once a minute: the bench, not the simulation, drives the streams.
      TICKER_INTERVAL_MS: '60000',
    },
  },
  rows: (ctx) => {
    const web = () => ctx.server('web')
    return {
      flood: [{ name: NAME, server: 'web', kind: 'sse-next', beside: { before: 'B2 raw SSE' } }],
      fanout: [
        {
          name: NAME,
          server: 'web',
          spec: () => nextSpec(web().url),
          publisher: async () => nextPublisher(web().url),
          count: async () => {
            const h = (await web().health()) as {
              openStreams: number
              ticker: { connections: number }
            }
            return Math.max(h.openStreams, h.ticker.connections)
          },
          beside: { after: 'B2 raw SSE' },
        },
      ],
      idle: [
        {
          name: NAME,
          server: 'web',
          spec: () => nextSpec(web().url),
          heartbeatMs: ctx.env.sseHeartbeatMs,
          beside: { after: 'B2 raw SSE' },
        },
      ],
    }
  },
  goals: {
    fanout(g) {
      g.fanoutRatio(
        'next-fanout-rate',
        'Next SSE fan-out deliveries/s ÷ B2',
        NAME,
        'B2 raw SSE',
        'open',
        (r) => r.deliveriesPerS,
        0.8,
        'min',
      )
      g.fanoutRatio(
        'next-fanout-p99',
        'Next SSE fan-out p99 latency ÷ B2',
        NAME,
        'B2 raw SSE',
        'fixed',
        (r) => r.latency.p99Ms,
        1.5,
        'max',
      )
    },
    idle(g) {
      g.idleMemory(
        'next-idle-memory',
        'Next memory per idle stream ÷ B2 (RSS)',
        2,
        g.idle(NAME),
        g.idle('B2 raw SSE'),
      )
    },
  },
  profiled: {
    next: {
      server: 'web',
      spec: (server) => nextSpec(server.url),
      publisher: async (server) => nextPublisher(server.url),
    },
  },
}
