import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { baselineRows } from './harness/baselines.ts'
import {
  placeRows,
  type Beside,
  type FanoutStack,
  type Scenario,
  type ScenarioContext,
  type ScenarioRows,
} from './harness/scenario.ts'
import { round, summary } from './harness/summary.ts'
import { Histogram } from './lib/histogram.ts'
import type { HeapReading } from './lib/inspector.ts'
import { sleep, waitFor } from './lib/net.ts'
import { BENCH_SEQ_BASE } from './lib/payload.ts'
import { cpuMeter, cpuSeconds, machineBusyShare, rssBytes } from './lib/proc.ts'
import { jsonLoad } from './load/json.ts'
import { publishAtRate, publishOpenEnded } from './load/phases.ts'
import { LoadPool, type PoolStats } from './load/pool.ts'
import type { Publisher } from './load/publishers.ts'
import type { Profile } from './profiles.ts'
import type {
  CleanupRow,
  Counted,
  FanoutRow,
  FloodRow,
  IdleRow,
  JsonRow,
  Machine,
  RttRow,
  RunResult,
} from './results.ts'
import { evaluateGoals } from './report/goals.ts'
import { SCENARIOS } from './scenarios/index.ts'
import {
  BENCH_DIR,
  createBenchEnv,
  SERVERS,
  type BenchEnv,
  type ServerHandle,
  type ServerId,
} from './servers/start.ts'

/** Above this CPU share the load core is the bottleneck, not the server. */
const LOAD_BOUND = 0.85
const SSE_HEARTBEAT_MS = 5000
type Placed = { name: string; beside?: Beside }

/** The baselines' servers: every run has them, whatever demos are left. */
const BASELINE_SERVERS: readonly ServerId[] = ['b2', 'b3', 'bsse', 'b1', 'sio']

export interface RunOptions {
  profile: Profile
  /** Progress lines; silent in tests. */
  log?: (line: string) => void
  /** The demos' scenarios to run beside the baselines (default: bench/src/scenarios/index.ts). */
  scenarios?: readonly Scenario[]
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

/** Variables every scenario asks for in one server's environment. */
function serverEnv(scenarios: readonly Scenario[], id: ServerId): Record<string, string> {
  return Object.assign({}, ...scenarios.map((s) => s.serverEnv?.[id]))
}

/** The servers of a run: the baselines' and those the scenarios need, in the order they start. */
export function serversOf(scenarios: readonly Scenario[]): ServerId[] {
  const needed = new Set([...BASELINE_SERVERS, ...scenarios.flatMap((s) => s.servers)])
  return (Object.keys(SERVERS) as ServerId[]).filter((id) => needed.has(id))
}

/** Starts one server the way a run does, with what every scenario adds to its environment. */
export function startServer(
  id: ServerId,
  env: BenchEnv,
  scenarios: readonly Scenario[] = SCENARIOS,
): Promise<ServerHandle> {
  return SERVERS[id](env, serverEnv(scenarios, id))
}

/**
 * Runs every scenario of the profile (the baselines' and each listed demo's) against production
 * builds and returns the figures. Starts every server and load process it needs and stops them
 * all before returning, error or not.
 */
export async function runBench(options: RunOptions): Promise<RunResult> {
  const { profile } = options
  const scenarios = options.scenarios ?? SCENARIOS
  const log = options.log ?? (() => {})
  // Before this run starts anything of its own: what else is using the cores.
  const busyAtStart = round(await machineBusyShare(2000), 3)
  const startedAt = new Date()
  const t0 = performance.now()
  const env = createBenchEnv(SSE_HEARTBEAT_MS)
  const pool = LoadPool.start(profile.workers)
  const servers: ServerHandle[] = []
  const byId = new Map<ServerId, ServerHandle>()
  const notes: string[] = []
  let nextSeq = BENCH_SEQ_BASE
  const seqs = (count: number) => {
    const first = nextSeq
    nextSeq += count
    return first
  }
  const loadPids = () => [process.pid, ...pool.pids()]

  async function start(id: ServerId): Promise<ServerHandle> {
    const server = await startServer(id, env, scenarios)
    servers.push(server)
    byId.set(id, server)
    return server
  }
  async function stop(id: ServerId): Promise<void> {
    const server = byId.get(id)
    if (!server) return
    await server.stop()
    servers.splice(servers.indexOf(server), 1)
    byId.delete(id)
  }
  const serverOf = (id: ServerId): ServerHandle => {
    const server = byId.get(id)
    if (!server) throw new Error(`server ${id} is not running`)
    return server
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
    json: [],
    cleanup: [],
    goals: [],
    notes,
  }

  const ctx: ScenarioContext = {
    profile,
    env,
    pool,
    result,
    server: serverOf,
    restart: async (id) => {
      await stop(id)
      return start(id)
    },
    seqs,
    log,
  }

  try {
    log(`1/6 flood: one client, ${profile.floodCount} messages as fast as the server sends`)
    for (const id of serversOf(scenarios)) await start(id)
    const base = baselineRows(ctx)
    const added = scenarios.map((s) => s.rows(ctx))
    /** One table's rows: the baselines', with every scenario's placed beside their anchors. */
    const rows = <K extends 'flood' | 'fanout' | 'idle' | 'rtt' | 'json'>(phase: K) => {
      const of = (r: ScenarioRows): Placed[] => r[phase] ?? []
      return placeRows(of(base), added.flatMap(of)) as NonNullable<ScenarioRows[K]>
    }

    // ---------------------------------------------------------------------------------------
    // Scenario 1: the guide's test
    for (const f of rows('flood')) {
      const server = serverOf(f.server)
      // A short unmeasured run first, so every server has compiled its hot path.
      await pool.task('flood', {
        kind: f.kind,
        url: server.url,
        secret: f.secret,
        count: Math.min(1000, profile.floodCount),
        firstSeq: seqs(1000),
      })
      const run = await metered(server, () =>
        pool.task<{ ms: number } & PoolStats>('flood', {
          kind: f.kind,
          url: server.url,
          secret: f.secret,
          count: profile.floodCount,
          firstSeq: seqs(profile.floodCount),
        }),
      )
      const row: FloodRow = {
        stack: f.name,
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
    const stacks = rows('fanout')
    const heapAtStart = new Map<ServerId, HeapReading>()
    for (const stack of stacks) {
      if (!heapAtStart.has(stack.server)) {
        // Warm every code path the server will run (each of its stacks) with a small run, then
        // take the heap it idles at: code compiled later would otherwise read as a leak.
        for (const own of stacks.filter((s) => s.server === stack.server)) {
          await fanoutRun(own, Math.min(10, profile.fanout[0] ?? 10), true)
          await waitFor(async () => (await own.count()) === 0, 5000)
        }
        heapAtStart.set(stack.server, await serverOf(stack.server).heap())
      }
      for (const n of profile.fanout) await fanoutRun(stack, n, false)
    }

    async function fanoutRun(stack: FanoutStack, n: number, warmup: boolean): Promise<void> {
      const server = serverOf(stack.server)
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
      stack: FanoutStack,
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
    const checked = new Set<ServerId>()
    for (const stack of stacks) {
      if (checked.has(stack.server)) continue
      checked.add(stack.server)
      const server = serverOf(stack.server)
      const own = stacks.filter((s) => s.server === stack.server)
      const zeroMs = await waitFor(
        async () => (await Promise.all(own.map((s) => s.count()))).every((c) => c === 0),
        5000,
        25,
      )
      for (const s of own) await s.settle?.()
      const before = heapAtStart.get(stack.server)
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
    for (const r of rows('rtt')) {
      const value = await r.run()
      const sender = Histogram.from([value.ack])
      const member = Histogram.from([value.latency])
      const row: RttRow = {
        stack: r.name,
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
    for (const s of rows('idle')) {
      const server = serverOf(s.server)
      const before = await server.heap()
      const rssBefore = rssBytes(server.pid)
      const opened = await pool.open(s.spec(), profile.idle)
      if (opened.opened < profile.idle) {
        notes.push(`idle ${s.name}: only ${opened.opened} of ${profile.idle} connected`)
      }
      await sleep(500)
      const cpuStart = cpuSeconds(server.pid)
      const tIdle = performance.now()
      await sleep(profile.idleMs)
      const idleCpu = (cpuSeconds(server.pid) - cpuStart) / ((performance.now() - tIdle) / 1000)
      const after = await server.heap()
      const rssAfter = rssBytes(server.pid)
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
    await stop('sio')

    // ---------------------------------------------------------------------------------------
    // JSON routes: requests per server CPU-second, autocannon on the load core
    log(
      `JSON routes: autocannon, ${profile.jsonConnections} connections, ${profile.jsonMs} ms each`,
    )
    for (const j of rows('json')) {
      const server = serverOf(j.server)
      // A short unmeasured run first, so the route is compiled and warm.
      await jsonLoad(server.url + j.path, profile.jsonConnections, 300)
      const cpuStart = cpuSeconds(server.pid)
      const load = await jsonLoad(server.url + j.path, profile.jsonConnections, profile.jsonMs)
      const serverCpuS = cpuSeconds(server.pid) - cpuStart
      const row: JsonRow = {
        stack: j.name,
        connections: profile.jsonConnections,
        requests: load.requests,
        errors: load.errors,
        reqPerS: Math.round(load.requests / (load.ms / 1000)),
        serverCpuS: round(serverCpuS, 3),
        cpuPerRequestUs: round((serverCpuS / Math.max(1, load.requests)) * 1e6, 1),
        latency: load.latency,
      }
      result.json?.push(row)
      log(
        `  ${row.stack.padEnd(28)} ${row.reqPerS} req/s, ${row.cpuPerRequestUs} µs server CPU per request, errors ${row.errors}`,
      )
    }

    // ---------------------------------------------------------------------------------------
    // Scenario 5 and on: each demo's own (the editor's Yjs)
    for (const r of added) await r.own?.()
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
  result.goals = evaluateGoals(result, scenarios)
  return result
}

export type { BenchEnv }
