import { b1Spec, b2Spec, b3Spec, bsseSpec } from '../load/endpoints.ts'
import { b1Publisher, b2Publisher, b3Publisher, bssePublisher } from '../load/publishers.ts'
import type { RttTaskResult } from '../load/tasks.ts'
import type { ProfiledStack, ScenarioContext, ScenarioRows } from './scenario.ts'

/**
 * The rows of the bench's own servers (bench/src/servers), which every run has whatever demos
 * are left: B2 raw SSE, B1 raw ws, and Socket.IO with nothing of ours. A demo's rows are placed
 * beside the baseline they are read against.
 */
export function baselineRows(ctx: ScenarioContext): ScenarioRows {
  const b1 = () => ctx.server('b1')
  const b2 = () => ctx.server('b2')
  const sio = () => ctx.server('sio')
  const b3 = () => ctx.server('b3')
  const bsse = () => ctx.server('bsse')
  const { profile, pool } = ctx
  return {
    flood: [
      { name: 'B2 raw SSE', server: 'b2', kind: 'sse-b2' },
      { name: 'Socket.IO', server: 'sio', kind: 'sio' },
      { name: 'B1 raw ws', server: 'b1', kind: 'ws-b1' },
    ],
    fanout: [
      {
        name: 'B2 raw SSE',
        server: 'b2',
        spec: () => b2Spec(b2().url),
        publisher: async () => b2Publisher(b2().url),
        count: async () => Number((await b2().health()).connections),
      },
      {
        // The guide's route handler on a bare Next app: what any Next SSE route costs.
        name: 'B3 bare Next route',
        server: 'b3',
        spec: () => b3Spec(b3().url),
        publisher: async () => b3Publisher(b3().url),
        count: async () => Number((await b3().health()).connections),
      },
      {
        name: 'better-sse',
        server: 'bsse',
        spec: () => bsseSpec(bsse().url),
        publisher: async () => bssePublisher(bsse().url),
        count: async () => Number((await bsse().health()).connections),
      },
      {
        name: 'B1 raw ws',
        server: 'b1',
        spec: () => b1Spec(b1().url),
        publisher: () => b1Publisher(b1().url),
        count: async () => Number((await b1().health()).connections),
      },
    ],
    idle: [
      {
        name: 'B2 raw SSE',
        server: 'b2',
        spec: () => b2Spec(b2().url),
        heartbeatMs: ctx.env.sseHeartbeatMs,
      },
      {
        name: 'B3 bare Next route',
        server: 'b3',
        spec: () => b3Spec(b3().url),
        heartbeatMs: ctx.env.sseHeartbeatMs,
      },
      {
        name: 'better-sse',
        server: 'bsse',
        spec: () => bsseSpec(bsse().url),
        heartbeatMs: ctx.env.sseHeartbeatMs,
      },
      { name: 'B1 raw ws', server: 'b1', spec: () => b1Spec(b1().url), heartbeatMs: 25_000 },
      {
        // The library with nothing of ours, so the realtime server's figure can be split into
        // what Socket.IO costs by itself and what the chat adds.
        name: 'Socket.IO, library alone',
        server: 'sio',
        spec: () => ({ kind: 'sio', url: sio().url }),
        heartbeatMs: 25_000,
      },
    ],
    rtt: [
      {
        // The same clients and events against Socket.IO with nothing of ours, so the chat's
        // figure splits into what the library and its client cost and what the chat adds.
        name: 'Socket.IO library alone',
        run: () =>
          pool.task<RttTaskResult>('sio-rtt', { url: sio().url, count: profile.chatCount }),
      },
      {
        name: 'B1 raw ws echo',
        run: () => pool.task<RttTaskResult>('ws-echo', { url: b1().url, count: profile.chatCount }),
      },
    ],
    json: [{ name: 'B3 bare Next route', server: 'b3', path: '/api/health' }],
  }
}

/** Baseline stacks of `pnpm bench:profile`. */
export const BASELINE_PROFILED: Record<string, ProfiledStack> = {
  b2: {
    server: 'b2',
    spec: (server) => b2Spec(server.url),
    publisher: async (server) => b2Publisher(server.url),
  },
  b3: {
    server: 'b3',
    spec: (server) => b3Spec(server.url),
    publisher: async (server) => b3Publisher(server.url),
  },
  bsse: {
    server: 'bsse',
    spec: (server) => bsseSpec(server.url),
    publisher: async (server) => bssePublisher(server.url),
  },
  b1: {
    server: 'b1',
    spec: (server) => b1Spec(server.url),
    publisher: (server) => b1Publisher(server.url),
  },
}
