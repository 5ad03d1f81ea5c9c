import type { Scenario } from '../../harness/scenario.ts'
import { nextPublisher, nextSpec } from './endpoints.ts'

const NAME = 'Next SSE route'
const HEALTH = 'Duplex web, GET /api/health'
const B3 = 'B3 bare Next route'

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
      flood: [
        {
          name: NAME,
          server: 'web',
          kind: 'sse-next',
          secret: ctx.env.sessionSecret,
          beside: { before: 'B2 raw SSE' },
        },
      ],
      fanout: [
        {
          name: NAME,
          server: 'web',
          spec: () => nextSpec(web().url, ctx.env.sessionSecret),
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
          spec: () => nextSpec(web().url, ctx.env.sessionSecret),
          heartbeatMs: ctx.env.sseHeartbeatMs,
          beside: { after: 'B2 raw SSE' },
        },
      ],
      json: [
        { name: HEALTH, server: 'web', path: '/api/health', beside: { before: B3 } },
        {
          name: 'Duplex web, the ticker symbols list',
          server: 'web',
          path: '/api/ticker/symbols',
          beside: { before: B3 },
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
      // B3 runs the guide's route handler on the same Next: the part of the gap to B2 that any
      // Next route pays, so Duplex's own cost is the distance to B3.
      g.fanoutRatio(
        'next-fanout-cpu-b3',
        'Next SSE server CPU per delivery ÷ B3 bare Next route',
        NAME,
        B3,
        'fixed',
        (r) => (r.deliveriesPerS > 0 ? r.serverCpu / r.deliveriesPerS : 0),
        1.05,
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
      g.idleMemory(
        'next-idle-memory-b3',
        'Next memory per idle stream ÷ B3 bare Next route (RSS)',
        1.1,
        g.idle(NAME),
        g.idle(B3),
      )
    },
    json(g) {
      const json = g.result.json ?? []
      const ours = json.find((r) => r.stack === HEALTH)
      const bare = json.find((r) => r.stack === B3)
      if (!ours || !bare) return
      g.add(
        'json-cpu-b3',
        'JSON route server CPU per request ÷ B3 bare Next route',
        `GET /api/health, ${ours.connections} connections, ${ours.requests} vs ${bare.requests} requests`,
        g.ratio(ours.cpuPerRequestUs, bare.cpuPerRequestUs),
        1.1,
        'max',
      )
    },
  },
  profiled: {
    next: {
      server: 'web',
      spec: (server, env) => nextSpec(server.url, env.sessionSecret),
      publisher: async (server) => nextPublisher(server.url),
    },
  },
}
