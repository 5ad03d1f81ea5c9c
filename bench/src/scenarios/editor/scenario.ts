import { randomUUID } from 'node:crypto'
import type { Scenario } from '../../harness/scenario.ts'
import { round, summary } from '../../harness/summary.ts'
import { Histogram } from '../../lib/histogram.ts'
import { sleep } from '../../lib/net.ts'
import { cpuSeconds, rssBytes } from '../../lib/proc.ts'
import { b1Spec } from '../../load/endpoints.ts'
import type { DeliveryStats } from '../../load/messages.ts'
import { b1Publisher } from '../../load/publishers.ts'
import type { LoadPool } from '../../load/pool.ts'
import type { ReplayRow } from '../../results.ts'
import { BENCH_DIR, realtimeCount, type ServerHandle } from '../../servers/start.ts'
import path from 'node:path'
import { yjsPublisher, yjsUpdateBytes, type YjsSpec } from './clients.ts'
import type { ReplayServer } from './replay-clients.ts'
import type { ReplayParams, ReplayTaskResult } from './tasks.ts'

/** The published trace, committed with its licence (bench/traces/README.md). */
const PUBLISHED_TRACE = path.join(BENCH_DIR, 'traces/seph-blog1.json.gz')
export const TRACE_CREDIT = 'editing trace by Joseph Gentle (josephg/editing-traces), CC BY 4.0'

const REPLAY_SERVERS: { server: ReplayServer; id: 'realtime' | 'yws' | 'hocus'; name: string }[] = [
  { server: 'duplex', id: 'realtime', name: 'Duplex realtime' },
  { server: 'y-websocket', id: 'yws', name: 'bare @y/websocket-server' },
  { server: 'hocuspocus', id: 'hocus', name: 'Hocuspocus' },
]

/** `pnpm bench:profile trace [txns] [observers]`: the published trace through one server. */
async function profiledReplay(
  kind: ReplayServer,
  server: ServerHandle,
  secret: string,
  pool: LoadPool,
  [txns = '20000', observers = '1']: string[],
): Promise<string> {
  const cpuStart = cpuSeconds(server.pid)
  const r = await pool.task<ReplayTaskResult>('yjs-replay', {
    target: { server: kind, url: server.url, secret },
    doc: `profile-${randomUUID().slice(0, 8)}`,
    observers: Number(observers),
    trace: { kind: 'published', file: PUBLISHED_TRACE, txns: Number(txns) },
    waitMs: 600_000,
  } satisfies ReplayParams)
  const cpu = round(cpuSeconds(server.pid) - cpuStart, 2)
  return `${r.trace} ×${r.txns} → ${kind}, ${observers} observer(s): converged in ${Math.round(r.convergeMs)} ms, ${cpu} server CPU-s, dropped ${r.dropped}${r.exact ? '' : ', NOT EXACT'}`
}

/** Peak RSS of a process while `fn` runs, sampled every 100 ms. */
async function peakRss<T>(pid: number, fn: () => Promise<T>): Promise<{ value: T; peak: number }> {
  let peak = rssBytes(pid)
  const timer = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 100)
  try {
    const value = await fn()
    return { value, peak: Math.max(peak, rssBytes(pid)) }
  } finally {
    clearInterval(timer)
  }
}

const PROFILE_DOC = `profile-${Date.now()}`

/**
 * The editor's Yjs relay on the realtime server, beside B1 relaying the same number of bytes;
 * then its own scenario 5: update latency, an editing trace, and a reload from storage.
 */
export const editor: Scenario = {
  name: 'editor',
  servers: ['realtime', 'yws', 'hocus'],
  serverEnv: {
    realtime: {
      // The bench's few users open hundreds of documents a minute, far past a visitor's quota and
      // creation rate; the peers have no such limits, so neither does this run.
      YJS_DOC_QUOTA: '1000000',
      YJS_CREATE_RATE_POINTS: '100000',
      YJS_CREATE_RATE_SECONDS: '1',
    },
  },
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

        // Trace replays: the synthetic trace, then the published one, through each Yjs server.
        const replay: ReplayRow[] = []
        let reloadDoc: { doc: string; length: number; txns: number } | undefined
        const traces: ReplayParams['trace'][] = [
          { kind: 'synthetic', ops: profile.replaySyntheticOps },
          { kind: 'published', file: PUBLISHED_TRACE, txns: profile.replayTxns },
        ]
        for (const traceSpec of traces) {
          for (const observers of profile.replayObservers) {
            for (const target of REPLAY_SERVERS) {
              const server: ServerHandle = ctx.server(target.id)
              const replayDoc = `replay-${randomUUID().slice(0, 8)}`
              const cpuStart = cpuSeconds(server.pid)
              const run = await peakRss(server.pid, () =>
                pool.task<ReplayTaskResult>('yjs-replay', {
                  target: { server: target.server, url: server.url, secret },
                  doc: replayDoc,
                  observers,
                  trace: traceSpec,
                  waitMs: profile.name === 'full' ? 600_000 : 180_000,
                } satisfies ReplayParams),
              )
              const row: ReplayRow = {
                trace: run.value.trace,
                server: target.name,
                observers,
                txns: run.value.txns,
                textLength: run.value.textLength,
                sendMs: round(run.value.sendMs, 1),
                convergeMs: round(run.value.convergeMs, 1),
                exact: run.value.exact,
                serverCpuS: round(cpuSeconds(server.pid) - cpuStart, 2),
                peakRssBytes: run.peak,
                dropped: run.value.dropped,
              }
              replay.push(row)
              if (target.server === 'duplex' && traceSpec.kind === 'published' && observers === 1)
                reloadDoc = { doc: replayDoc, length: row.textLength, txns: row.txns }
              ctx.log(
                `  ${row.trace} ×${row.txns} → ${row.server}, ${observers} observer(s): ${row.convergeMs} ms, ${row.serverCpuS} CPU-s, peak RSS ${Math.round(row.peakRssBytes / 1048576)} MiB, dropped ${row.dropped}${row.exact ? '' : ', NOT EXACT'}`,
              )
            }
          }
        }

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
        const replayReload = reloadDoc
          ? await pool.task<{ ms: number; complete: boolean; length: number }>('yjs-reload', {
              url: reloaded.url,
              secret,
              doc: reloadDoc.doc,
              count: 0,
              expectLength: reloadDoc.length,
            })
          : undefined
        const yjs = {
          replay,
          ...(replayReload && reloadDoc
            ? {
                replayReload: {
                  ms: round(replayReload.ms, 1),
                  complete: replayReload.complete,
                  textLength: replayReload.length,
                  txns: reloadDoc.txns,
                },
              }
            : {}),
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
    own(g) {
      const replay = g.result.yjs?.replay ?? []
      const find = (trace: string, observers: number, server: string) =>
        replay.find((r) => r.trace === trace && r.observers === observers && r.server === server)
      for (const ours of replay.filter((r) => r.server === 'Duplex realtime')) {
        const basis = `${ours.trace}, ${ours.txns} txns, ${ours.observers} observer(s)`
        const bare = find(ours.trace, ours.observers, 'bare @y/websocket-server')
        const hocus = find(ours.trace, ours.observers, 'Hocuspocus')
        if (bare) {
          g.add(
            'yjs-trace-cpu',
            'Yjs trace server CPU ÷ bare @y/websocket-server',
            basis,
            g.ratio(ours.serverCpuS, bare.serverCpuS),
            1.3,
            'max',
          )
          g.add(
            'yjs-trace-converge',
            'Yjs trace converge time ÷ bare @y/websocket-server',
            basis,
            g.ratio(ours.convergeMs, bare.convergeMs),
            1.3,
            'max',
          )
        }
        if (hocus) {
          g.add(
            'yjs-trace-cpu-hocuspocus',
            'Yjs trace server CPU ÷ Hocuspocus',
            basis,
            g.ratio(ours.serverCpuS, hocus.serverCpuS),
            0.5,
            'max',
          )
        }
      }
      if (replay.length > 0) {
        g.add(
          'yjs-trace-dropped',
          'Connections dropped during trace replays, Duplex',
          `${replay.filter((r) => r.server === 'Duplex realtime').length} replays`,
          replay.filter((r) => r.server === 'Duplex realtime').reduce((n, r) => n + r.dropped, 0),
          0,
          'max',
        )
        g.add(
          'yjs-trace-exact',
          "Replays where an observer's text was not the final text, every server",
          `${replay.length} replays`,
          replay.filter((r) => !r.exact).length,
          0,
          'max',
        )
      }
    },
  },
  profiledWork: {
    trace: {
      server: 'realtime',
      work: (server, env, pool, args) =>
        profiledReplay('duplex', server, env.sessionSecret, pool, args),
    },
    'trace-bare': {
      server: 'yws',
      work: (server, env, pool, args) =>
        profiledReplay('y-websocket', server, env.sessionSecret, pool, args),
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
