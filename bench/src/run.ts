import { randomUUID } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { Histogram } from './lib/histogram.ts'
import type { HeapReading } from './lib/inspector.ts'
import { sleep, waitFor } from './lib/net.ts'
import { BENCH_SEQ_BASE } from './lib/payload.ts'
import { cpuMeter, cpuSeconds, machineBusyShare, rssBytes } from './lib/proc.ts'
import type { ConnSpec } from './load/messages.ts'
import { b1Spec, b2Spec, nextSpec } from './load/endpoints.ts'
import { publishAtRate, publishOpenEnded } from './load/phases.ts'
import { LoadPool, type PoolStats } from './load/pool.ts'
import {
  b1Publisher,
  b2Publisher,
  chatPublisher,
  nextPublisher,
  yjsPublisher,
  yjsUpdateBytes,
  type Publisher,
} from './load/publishers.ts'
import type { Profile } from './profiles.ts'
import type {
  CleanupRow,
  Counted,
  FanoutRow,
  FloodRow,
  IdleRow,
  LatencySummary,
  Machine,
  RttRow,
  RunResult,
  YjsResult,
} from './results.ts'
import { evaluateGoals } from './report/goals.ts'
import {
  BENCH_DIR,
  createBenchEnv,
  REALTIME_RECOVERY_WINDOW_MS,
  startBaseline,
  startRealtime,
  startWeb,
  type BenchEnv,
  type ServerHandle,
} from './servers/start.ts'

/** Above this CPU share the load core is the bottleneck, not the server. */
const LOAD_BOUND = 0.85
const SSE_HEARTBEAT_MS = 5000
/** How often socket.io-adapter drops expired recovery sessions and packets (not configurable). */
const SOCKET_IO_SWEEP_MS = 60_000

export interface RunOptions {
  profile: Profile
  /** Progress lines; silent in tests. */
  log?: (line: string) => void
}

export function machine(): Machine {
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number),
  }
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: BENCH_DIR })
      .toString()
      .trim()
  } catch {
    return 'unknown'
  }
}

const summary = (h: Histogram): LatencySummary => ({
  n: h.count,
  p50Ms: round(h.quantile(0.5)),
  p99Ms: round(h.quantile(0.99)),
  maxMs: round(h.maxMs),
})

export const round = (x: number, digits = 3) =>
  Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : 0

/** A stack of scenario 2: how subscribers connect and who publishes. */
interface Stack {
  name: string
  server: () => ServerHandle
  spec: () => ConnSpec
  publisher: () => Promise<Publisher>
  /** The server's own count of open subscriber connections. */
  count: () => Promise<number>
}

/**
 * Runs every scenario of the profile against production builds and returns the figures. Starts
 * every server and load process it needs and stops them all before returning, error or not.
 */
export async function runBench(options: RunOptions): Promise<RunResult> {
  const { profile } = options
  const log = options.log ?? (() => {})
  // Before this run starts anything of its own: what else is using the cores.
  const busyAtStart = round(await machineBusyShare(2000), 3)
  const startedAt = new Date()
  const t0 = performance.now()
  const env = createBenchEnv(SSE_HEARTBEAT_MS)
  const pool = LoadPool.start(profile.workers)
  const servers: ServerHandle[] = []
  const notes: string[] = []
  let nextSeq = BENCH_SEQ_BASE
  const seqs = (count: number) => {
    const first = nextSeq
    nextSeq += count
    return first
  }
  const loadPids = () => [process.pid, ...pool.pids()]

  async function start(starter: () => Promise<ServerHandle>): Promise<ServerHandle> {
    const server = await starter()
    servers.push(server)
    return server
  }
  async function stop(server: ServerHandle): Promise<void> {
    await server.stop()
    servers.splice(servers.indexOf(server), 1)
  }

  /** Measures server and load CPU around `fn`. */
  async function metered<T>(server: ServerHandle, fn: () => Promise<T>) {
    const serverMeter = cpuMeter(() => [server.pid])
    const loadMeter = cpuMeter(loadPids)
    serverMeter.start()
    loadMeter.start()
    const value = await fn()
    const serverCpu = round(serverMeter.stop(), 2)
    const loadCpu = round(loadMeter.stop(), 2)
    return { value, serverCpu, loadCpu, loadBound: loadCpu > LOAD_BOUND }
  }

  const counted = (stats: PoolStats, expected: number): Counted => ({
    delivered: stats.delivered,
    expected,
    duplicates: stats.duplicates,
    missing: Math.max(0, expected - stats.delivered),
  })

  const result: RunResult = {
    version: 1,
    mode: profile.name,
    startedAt: startedAt.toISOString(),
    durationS: 0,
    machine: { ...machine(), busyAtStart },
    commit: gitCommit(),
    profile: { ...profile, sseHeartbeatMs: SSE_HEARTBEAT_MS },
    flood: [],
    fanout: [],
    idle: [],
    rtt: [],
    cleanup: [],
    goals: [],
    notes,
  }

  try {
    // ---------------------------------------------------------------------------------------
    // Scenario 1: the guide's test
    log(`1/6 flood: one client, ${profile.floodCount} messages as fast as the server sends`)
    const web = await start(() => startWeb(env))
    const b2 = await start(() => startBaseline('b2-sse', env))
    const b1 = await start(() => startBaseline('b1-ws', env))
    const realtime = await start(() => startRealtime(env))
    const sio = await start(() => startBaseline('sio-flood', env))
    const floods = [
      { stack: 'Next SSE route', kind: 'sse-next', server: web },
      { stack: 'B2 raw SSE', kind: 'sse-b2', server: b2 },
      { stack: 'Socket.IO', kind: 'sio', server: sio },
      { stack: 'B1 raw ws', kind: 'ws-b1', server: b1 },
    ] as const
    for (const f of floods) {
      // A short unmeasured run first, so every server has compiled its hot path.
      await pool.task('flood', {
        kind: f.kind,
        url: f.server.url,
        count: Math.min(1000, profile.floodCount),
        firstSeq: seqs(1000),
      })
      const run = await metered(f.server, () =>
        pool.task<{ ms: number } & PoolStats>('flood', {
          kind: f.kind,
          url: f.server.url,
          count: profile.floodCount,
          firstSeq: seqs(profile.floodCount),
        }),
      )
      const row: FloodRow = {
        stack: f.stack,
        messages: profile.floodCount,
        ms: round(run.value.ms, 1),
        msgsPerS: Math.round(run.value.delivered / (run.value.ms / 1000)),
        ...counted(run.value, profile.floodCount),
        serverCpu: run.serverCpu,
        loadCpu: run.loadCpu,
        loadBound: run.loadBound,
      }
      result.flood.push(row)
      log(`  ${row.stack.padEnd(16)} ${row.ms} ms  ${row.msgsPerS} msgs/s  missing ${row.missing}`)
    }

    // ---------------------------------------------------------------------------------------
    // Scenario 2: fan-out; scenario 6 (cleanup) is checked on the same servers afterwards
    const chatRoom = `bench-${randomUUID().slice(0, 8)}`
    const yjsDoc = `bench-${randomUUID().slice(0, 8)}`
    const yjsBytes = yjsUpdateBytes()
    const secret = env.sessionSecret
    let userIndex = 0
    const stacks: Stack[] = [
      {
        name: 'B2 raw SSE',
        server: () => b2,
        spec: () => b2Spec(b2.url),
        publisher: async () => b2Publisher(b2.url),
        count: async () => Number((await b2.health()).connections),
      },
      {
        name: 'Next SSE route',
        server: () => web,
        spec: () => nextSpec(web.url),
        publisher: async () => nextPublisher(web.url),
        count: async () => {
          const h = (await web.health()) as { openStreams: number; ticker: { connections: number } }
          return Math.max(h.openStreams, h.ticker.connections)
        },
      },
      {
        name: 'B1 raw ws',
        server: () => b1,
        spec: () => b1Spec(b1.url),
        publisher: () => b1Publisher(b1.url),
        count: async () => Number((await b1.health()).connections),
      },
      {
        name: 'Socket.IO room',
        server: () => realtime,
        spec: () => ({
          kind: 'sio-chat',
          url: realtime.url,
          room: chatRoom,
          secret,
          // One user per worker: a viewer with many tabs. Distinct users would each trigger a
          // presence broadcast to the whole room on join (see docs/benchmarks.md).
          user: `bench-viewer-${userIndex++ % profile.workers}`,
        }),
        publisher: () => chatPublisher(realtime.url, secret, chatRoom),
        count: async () => realtimeCount(realtime, 'socketio'),
      },
      {
        name: 'B1 raw ws (Yjs-sized binary)',
        server: () => b1,
        spec: () => b1Spec(b1.url),
        publisher: () => b1Publisher(b1.url, yjsBytes),
        count: async () => Number((await b1.health()).connections),
      },
      {
        name: 'Yjs relay',
        server: () => realtime,
        spec: () => ({ kind: 'yjs', url: realtime.url, doc: yjsDoc, secret, user: 'bench-viewer' }),
        publisher: () => yjsPublisher(realtime.url, secret, yjsDoc),
        count: async () => realtimeCount(realtime, 'yjs'),
      },
    ]

    const heapAtStart = new Map<ServerHandle, HeapReading>()
    for (const stack of stacks) {
      const server = stack.server()
      if (!heapAtStart.has(server)) {
        // Warm every code path the server will run (each of its stacks) with a small run, then
        // take the heap it idles at: code compiled later would otherwise read as a leak.
        for (const own of stacks.filter((s) => s.server() === server)) {
          await fanoutRun(own, Math.min(10, profile.fanout[0] ?? 10), true)
          await waitFor(async () => (await own.count()) === 0, 5000)
        }
        heapAtStart.set(server, await server.heap())
      }
      for (const n of profile.fanout) await fanoutRun(stack, n, false)
    }

    /**
     * Socket.IO keeps a dropped connection's session, and every broadcast packet, for the recovery
     * window, and sweeps expired ones once a minute (socket.io-adapter's fixed interval): a
     * window and a sweep later they must be gone. Only the second reading waits; the baseline may
     * still hold the warm-up's few sessions, which makes the check slightly stricter, not looser.
     */
    async function recoverySessionsSwept(server: ServerHandle): Promise<void> {
      if (server === realtime && profile.awaitRecoverySweep) {
        await sleep(REALTIME_RECOVERY_WINDOW_MS + SOCKET_IO_SWEEP_MS + 1000)
      }
    }

    async function fanoutRun(stack: Stack, n: number, warmup: boolean): Promise<void> {
      const server = stack.server()
      const connectStart = performance.now()
      const opened = await pool.open(stack.spec(), n)
      const connectMs = Math.round(performance.now() - connectStart)
      if (opened.opened < n) {
        notes.push(
          `${stack.name} N=${n}: only ${opened.opened} of ${n} connected (${opened.errors.join('; ')})`,
        )
      }
      if (!warmup) log(`2/6 fan-out ${stack.name}, N=${n} (connected in ${connectMs} ms)`)
      const publisher = await stack.publisher()
      try {
        // Fixed rate
        const rate = warmup ? 50 : Math.max(2, Math.round(profile.fixedDeliveriesPerS / n))
        const phaseMs = warmup ? 300 : profile.phaseMs
        const messages = Math.max(3, Math.round((rate * phaseMs) / 1000))
        const fixedFirst = seqs(messages)
        await pool.expect(fixedFirst, messages)
        await pool.progress(10)
        const fixed = await metered(server, async () => {
          const run = await publishAtRate({
            pool,
            publisher,
            firstSeq: fixedFirst,
            messages,
            rate,
          })
          return { ...run, stats: await pool.collect() }
        })
        if (!warmup) {
          pushFanout(
            stack,
            n,
            'fixed',
            rate,
            messages,
            fixed,
            fixed.value.tStart,
            connectMs,
            publisher,
          )
        }

        // Open-ended: as fast as the slowest subscriber takes them, at most `window` behind.
        const cap = Math.max(100, Math.min(100_000, Math.floor(50_000_000 / Math.max(1, n))))
        const openFirst = seqs(cap)
        await pool.expect(openFirst, cap)
        const open = await metered(server, async () => {
          const run = await publishOpenEnded({
            pool,
            publisher,
            firstSeq: openFirst,
            cap,
            window: profile.window,
            ms: warmup ? 200 : profile.phaseMs,
          })
          return { ...run, stats: await pool.collect() }
        })
        if (!warmup) {
          pushFanout(
            stack,
            n,
            'open',
            undefined,
            open.value.published,
            open,
            open.value.tStart,
            connectMs,
            publisher,
          )
        }
      } finally {
        await pool.progress(0)
        await publisher.close()
        await pool.closeAll()
      }
    }

    function pushFanout(
      stack: Stack,
      n: number,
      phase: 'fixed' | 'open',
      rate: number | undefined,
      published: number,
      run: {
        value: { stats: PoolStats; tStart: number }
        serverCpu: number
        loadCpu: number
        loadBound: boolean
      },
      tStart: number,
      connectMs: number,
      publisher: Publisher,
    ) {
      const { stats } = run.value
      const seconds = Math.max(0.001, (stats.lastAt - tStart) / 1000)
      const row: FanoutRow = {
        stack: stack.name,
        subscribers: n,
        phase,
        ...(rate !== undefined ? { rate } : {}),
        published,
        payloadBytes: publisher.payloadBytes,
        deliveriesPerS: Math.round(stats.delivered / seconds),
        latency: summary(stats.latency),
        connectMs,
        ...counted(stats, published * n),
        serverCpu: run.serverCpu,
        loadCpu: run.loadCpu,
        loadBound: run.loadBound,
      }
      result.fanout.push(row)
      log(
        `  ${phase.padEnd(5)} ${String(row.deliveriesPerS).padStart(9)} deliveries/s  p50 ${row.latency.p50Ms} ms  p99 ${row.latency.p99Ms} ms  missing ${row.missing}  dup ${row.duplicates}  load ${Math.round(row.loadCpu * 100)}%`,
      )
    }

    // Scenario 6: every server's own counts back to zero, heap back near where it started.
    log('6/6 cleanup after every client left')
    const checked = new Set<ServerHandle>()
    for (const stack of stacks) {
      const server = stack.server()
      if (checked.has(server)) continue
      checked.add(server)
      const counts = stacks.filter((s) => s.server() === server).map((s) => s.count)
      const zeroMs = await waitFor(
        async () => (await Promise.all(counts.map((c) => c()))).every((c) => c === 0),
        5000,
        25,
      )
      await recoverySessionsSwept(server)
      const before = heapAtStart.get(server)
      const after = await server.heap()
      const heapStart = before?.heapUsed ?? 0
      const heapEnd = after.heapUsed
      const row: CleanupRow = {
        stack: server.name,
        zeroMs: zeroMs === undefined ? null : Math.round(zeroMs),
        heapStartBytes: heapStart,
        heapEndBytes: heapEnd,
        heapRatio: round(heapEnd / heapStart, 3),
        codeGrowthBytes: Math.max(0, after.codeSpaceUsed - (before?.codeSpaceUsed ?? 0)),
        ok: zeroMs !== undefined && heapEnd <= heapStart * 1.1,
      }
      result.cleanup.push(row)
      log(
        `  ${row.stack.padEnd(10)} zero after ${row.zeroMs ?? '>5000'} ms, heap ×${row.heapRatio}`,
      )
    }

    // ---------------------------------------------------------------------------------------
    // Scenario 4: chat round trip next to a raw ws echo
    log(`4/6 chat round trip, ${profile.chatCount} messages one at a time`)
    const rttRuns = [
      {
        stack: 'Socket.IO chat',
        run: () =>
          pool.task<RttTaskResult>('chat-rtt', {
            url: realtime.url,
            chat: { secret, room: `rtt-${randomUUID().slice(0, 8)}` },
            count: profile.chatCount,
          }),
      },
      {
        // The same clients and events against Socket.IO with nothing of ours, so the chat's
        // figure splits into what the library and its client cost and what the chat adds.
        stack: 'Socket.IO library alone',
        run: () => pool.task<RttTaskResult>('chat-rtt', { url: sio.url, count: profile.chatCount }),
      },
      {
        stack: 'B1 raw ws echo',
        run: () => pool.task<RttTaskResult>('ws-echo', { url: b1.url, count: profile.chatCount }),
      },
    ]
    for (const r of rttRuns) {
      const value = await r.run()
      const sender = Histogram.from([value.ack])
      const member = Histogram.from([value.latency])
      const row: RttRow = {
        stack: r.stack,
        messages: profile.chatCount,
        sender: summary(sender),
        member: summary(member),
        refused: value.refused,
        delivered: value.delivered,
        expected: profile.chatCount,
        duplicates: value.duplicates,
        missing: Math.max(0, profile.chatCount - value.delivered),
      }
      result.rtt.push(row)
      log(
        `  ${row.stack.padEnd(16)} sender p50 ${row.sender.p50Ms} p99 ${row.sender.p99Ms} ms, member p99 ${row.member.p99Ms} ms`,
      )
    }

    // ---------------------------------------------------------------------------------------
    // Scenario 3: idle connections
    log(`3/6 idle: ${profile.idle} connections per stack for ${profile.idleMs} ms`)
    const idleStacks: {
      name: string
      server: ServerHandle
      spec: ConnSpec
      heartbeatMs: number
    }[] = [
      {
        name: 'B2 raw SSE',
        server: b2,
        spec: b2Spec(b2.url),
        heartbeatMs: SSE_HEARTBEAT_MS,
      },
      {
        name: 'Next SSE route',
        server: web,
        spec: nextSpec(web.url),
        heartbeatMs: SSE_HEARTBEAT_MS,
      },
      {
        name: 'B1 raw ws',
        server: b1,
        spec: b1Spec(b1.url),
        heartbeatMs: 25_000,
      },
      {
        // The library with nothing of ours, so the realtime server's figure can be split into
        // what Socket.IO costs by itself and what the chat adds.
        name: 'Socket.IO, library alone',
        server: sio,
        spec: { kind: 'sio', url: sio.url },
        heartbeatMs: 25_000,
      },
      {
        name: 'Socket.IO chat server',
        server: realtime,
        spec: {
          kind: 'sio-chat',
          url: realtime.url,
          room: `idle-${randomUUID().slice(0, 8)}`,
          secret,
          user: 'bench-idle',
        },
        heartbeatMs: 25_000,
      },
    ]
    for (const s of idleStacks) {
      const before = await s.server.heap()
      const rssBefore = rssBytes(s.server.pid)
      const opened = await pool.open(s.spec, profile.idle)
      if (opened.opened < profile.idle) {
        notes.push(`idle ${s.name}: only ${opened.opened} of ${profile.idle} connected`)
      }
      await sleep(500)
      const cpuStart = cpuSeconds(s.server.pid)
      const tIdle = performance.now()
      await sleep(profile.idleMs)
      const idleCpu = (cpuSeconds(s.server.pid) - cpuStart) / ((performance.now() - tIdle) / 1000)
      const after = await s.server.heap()
      const rssAfter = rssBytes(s.server.pid)
      await pool.closeAll()
      const row: IdleRow = {
        stack: s.name,
        connections: opened.opened,
        heartbeatMs: s.heartbeatMs,
        rssPerConnBytes: Math.round((rssAfter - rssBefore) / Math.max(1, opened.opened)),
        heapPerConnBytes: Math.round(
          (after.heapUsed + after.external - before.heapUsed - before.external) /
            Math.max(1, opened.opened),
        ),
        idleCpu: round(idleCpu, 4),
        idleMs: profile.idleMs,
      }
      result.idle.push(row)
      log(
        `  ${row.stack.padEnd(16)} ${row.rssPerConnBytes} B RSS/conn, ${row.heapPerConnBytes} B heap/conn, CPU ${round(row.idleCpu * 100, 2)}%`,
      )
    }
    await stop(sio)

    // ---------------------------------------------------------------------------------------
    // Scenario 5: Yjs
    log(
      `5/6 Yjs: ${profile.yjsCount} update round trips, then a ${profile.traceOps}-op editing trace`,
    )
    const latencyDoc = `lat-${randomUUID().slice(0, 8)}`
    const lat = await pool.task<
      PoolStats & { latency: Parameters<typeof Histogram.from>[0][number] }
    >('yjs-latency', { url: realtime.url, secret, doc: latencyDoc, count: profile.yjsCount })
    const traceDoc = `trace-${randomUUID().slice(0, 8)}`
    const trace = await pool.task<{
      ops: number
      ms: number
      converged: boolean
      textLength: number
      docBytes: number
    }>('yjs-trace', {
      url: realtime.url,
      secret,
      doc: traceDoc,
      count: 0,
      ops: profile.traceOps,
      seed: 42,
    })
    await sleep(500)
    const traceHeap = await realtime.heap()
    const traceRss = rssBytes(realtime.pid)
    // Reload: a fresh server process loads the document from storage.
    await stop(realtime)
    const reloaded = await start(() => startRealtime(env))
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
    const yjs: YjsResult = {
      latency: {
        ...summary(Histogram.from([lat.latency as never])),
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
    result.yjs = yjs
    log(
      `  update→remote p50 ${yjs.latency.p50Ms} ms p99 ${yjs.latency.p99Ms} ms; trace ${yjs.trace.ms} ms, ${yjs.trace.docBytes} B, reload ${yjs.reload.ms} ms`,
    )
  } finally {
    await pool.stop().catch(() => undefined)
    for (const server of [...servers].reverse()) await server.stop().catch(() => undefined)
    env.dispose()
  }

  result.durationS = Math.round((performance.now() - t0) / 100) / 10
  const busy = result.machine.busyAtStart ?? 0
  if (busy > 0.2) {
    notes.push(
      `the machine was busy when the run started (${Math.round(busy * 100)}% of its ${result.machine.cores} cores in use before any server started): other processes shared the cores, so absolute figures are low and noisy; ratios within the run are less affected`,
    )
  }
  for (const row of [...result.flood, ...result.fanout]) {
    if (row.loadBound) {
      const what =
        'subscribers' in row
          ? `${row.stack} N=${row.subscribers} ${row.phase}`
          : `${row.stack} flood`
      notes.push(
        `${what}: load generator at ${Math.round(row.loadCpu * 100)}% of its core (above 85%): the figure may measure the clients`,
      )
    }
  }
  result.goals = evaluateGoals(result)
  return result
}

interface RttTaskResult extends Omit<PoolStats, 'latency'> {
  ack: Parameters<typeof Histogram.from>[0][number]
  latency: Parameters<typeof Histogram.from>[0][number]
  refused: number
}

async function realtimeCount(server: ServerHandle, transport: 'socketio' | 'yjs'): Promise<number> {
  const health = (await server.health()) as { connections: Record<string, number> }
  return health.connections[transport] ?? 0
}

export type { BenchEnv }
