import { randomUUID } from 'node:crypto'
import type { Scenario } from '../../harness/scenario.ts'
import { round, summary } from '../../harness/summary.ts'
import { Histogram } from '../../lib/histogram.ts'
import { sleep } from '../../lib/net.ts'
import { rssBytes } from '../../lib/proc.ts'
import { b1Spec } from '../../load/endpoints.ts'
import type { DeliveryStats } from '../../load/messages.ts'
import { b1Publisher } from '../../load/publishers.ts'
import { realtimeCount } from '../../servers/start.ts'
import { yjsPublisher, yjsUpdateBytes, type YjsSpec } from './clients.ts'

const PROFILE_DOC = `profile-${Date.now()}`

/**
 * The editor's Yjs relay on the realtime server, beside B1 relaying the same number of bytes;
 * then its own scenario 5: update latency, an editing trace, and a reload from storage.
 */
export const editor: Scenario = {
  name: 'editor',
  servers: ['realtime'],
  rows: (ctx) => {
    const realtime = () => ctx.server('realtime')
    const b1 = () => ctx.server('b1')
    const secret = ctx.env.sessionSecret
    const doc = `bench-${randomUUID().slice(0, 8)}`
    const bytes = yjsUpdateBytes()
    const { profile, pool } = ctx
    return {
      fanout: [
        {
          name: 'B1 raw ws (Yjs-sized binary)',
          server: 'b1',
          spec: () => b1Spec(b1().url),
          publisher: () => b1Publisher(b1().url, bytes),
          count: async () => Number((await b1().health()).connections),
          beside: { after: 'B1 raw ws' },
        },
        {
          name: 'Yjs relay',
          server: 'realtime',
          spec: (): YjsSpec => ({
            kind: 'yjs',
            url: realtime().url,
            doc,
            secret,
            user: 'bench-viewer',
          }),
          publisher: () => yjsPublisher(realtime().url, secret, doc),
          count: () => realtimeCount(realtime(), 'yjs'),
          beside: { after: 'B1 raw ws' },
        },
      ],
      own: async () => {
        ctx.log(
          `5/6 Yjs: ${profile.yjsCount} update round trips, then a ${profile.traceOps}-op editing trace`,
        )
        const latencyDoc = `lat-${randomUUID().slice(0, 8)}`
        const lat = await pool.task<DeliveryStats>('yjs-latency', {
          url: realtime().url,
          secret,
          doc: latencyDoc,
          count: profile.yjsCount,
        })
        const traceDoc = `trace-${randomUUID().slice(0, 8)}`
        const trace = await pool.task<{
          ops: number
          ms: number
          converged: boolean
          textLength: number
          docBytes: number
        }>('yjs-trace', {
          url: realtime().url,
          secret,
          doc: traceDoc,
          count: 0,
          ops: profile.traceOps,
          seed: 42,
        })
        await sleep(500)
        const traceHeap = await realtime().heap()
        const traceRss = rssBytes(realtime().pid)
        // Reload: a fresh server process loads the document from storage.
        const reloaded = await ctx.restart('realtime')
        const reload = await pool.task<{ ms: number; complete: boolean; length: number }>(
          'yjs-reload',
          {
            url: reloaded.url,
            secret,
            doc: traceDoc,
            count: 0,
            expectLength: trace.textLength,
          },
        )
        const yjs = {
          latency: {
            ...summary(Histogram.from([lat.latency])),
            delivered: lat.delivered,
            expected: profile.yjsCount,
            duplicates: lat.duplicates,
            missing: Math.max(0, profile.yjsCount - lat.delivered),
          },
          trace: {
            ops: trace.ops,
            ms: round(trace.ms, 1),
            opsPerS: Math.round(trace.ops / (trace.ms / 1000)),
            converged: trace.converged,
            textLength: trace.textLength,
            docBytes: trace.docBytes,
            serverRssBytes: traceRss,
            serverHeapBytes: traceHeap.heapUsed,
          },
          reload: { ms: round(reload.ms, 1), complete: reload.complete, textLength: reload.length },
        }
        ctx.result.yjs = yjs
        ctx.log(
          `  update→remote p50 ${yjs.latency.p50Ms} ms p99 ${yjs.latency.p99Ms} ms; trace ${yjs.trace.ms} ms, ${yjs.trace.docBytes} B, reload ${yjs.reload.ms} ms`,
        )
      },
    }
  },
  goals: {
    fanout(g) {
      g.fanoutRatio(
        'yjs-relay-rate',
        'Yjs relay deliveries/s ÷ B1 (same payload)',
        'Yjs relay',
        'B1 raw ws (Yjs-sized binary)',
        'open',
        (r) => r.deliveriesPerS,
        0.5,
        'min',
      )
    },
  },
  profiled: {
    yjs: {
      server: 'realtime',
      spec: (server, env): YjsSpec => ({
        kind: 'yjs',
        url: server.url,
        doc: PROFILE_DOC,
        secret: env.sessionSecret,
        user: 'profile-viewer',
      }),
      publisher: (server, env) => yjsPublisher(server.url, env.sessionSecret, PROFILE_DOC),
    },
  },
}
