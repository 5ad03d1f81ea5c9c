/**
 * `pnpm bench:profile <stack> [subscribers] [seconds] [--rate <msgs/s>]`: a CPU profile of one
 * server under the open-ended fan-out (or, with `--rate`, the fixed-rate one), to find where a
 * missed goal's time goes. Writes a `.cpuprofile` (open it in Chrome DevTools' Performance panel,
 * or speedscope) and prints the functions with the most self time, grouped by where they live.
 *
 *   stack: b2 | b1, or a demo's (bench/src/scenarios/<demo>/scenario.ts `profiled`):
 *          next   the ticker's route  // demo:ticker
 *          sio    the chat's room     // demo:chat
 *          yjs    the editor's relay  // demo:editor
 *
 * A demo's other workloads (`profiledWork`): `pnpm bench:profile <name> [args…]`, e.g.
 *          trace [txns] [observers]       the editing trace through Duplex  // demo:editor
 *          trace-bare [txns] [observers]  … through the bare Yjs server     // demo:editor
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { CpuProfile } from './lib/inspector.ts'
import { installCleanupHandlers, pinSelfToLoadCore } from './lib/proc.ts'
import { BENCH_SEQ_BASE } from './lib/payload.ts'
import { publishAtRate, publishOpenEnded } from './load/phases.ts'
import { LoadPool } from './load/pool.ts'
import { BASELINE_PROFILED } from './harness/baselines.ts'
import type { ProfiledStack, ProfiledWork } from './harness/scenario.ts'
import { startServer } from './run.ts'
import { SCENARIOS } from './scenarios/index.ts'
import { BENCH_DIR, createBenchEnv } from './servers/start.ts'

// The demos' stacks first: the first one is the default.
const STACKS: Record<string, ProfiledStack> = Object.assign(
  {},
  ...SCENARIOS.map((s) => s.profiled),
  BASELINE_PROFILED,
)

const args = process.argv.slice(2)

const WORK: Record<string, ProfiledWork> = Object.assign(
  {},
  ...SCENARIOS.map((s) => s.profiledWork),
)
const work = WORK[args[0] ?? '']
if (work) {
  await profileWork(args[0] ?? 'work', work, args.slice(1))
  process.exit(0)
}
const rateIndex = args.indexOf('--rate')
// `--rate <msgs/s>`: the fixed-rate phase (one message per turn, for latency) instead of open-ended.
const rate = rateIndex === -1 ? undefined : Number(args.splice(rateIndex, 2)[1])
const [stackName = Object.keys(STACKS)[0] ?? 'b2', subscribersArg = '1000', secondsArg = '5'] = args
const stack = STACKS[stackName as keyof typeof STACKS]
if (!stack) {
  console.error(`unknown stack ${stackName}; one of ${Object.keys(STACKS).join(', ')}`)
  process.exit(2)
}
const subscribers = Number(subscribersArg)
const seconds = Number(secondsArg)

installCleanupHandlers()
pinSelfToLoadCore()
const env = createBenchEnv(5000)
const pool = LoadPool.start(3)
const server = await startServer(stack.server, env)
try {
  await pool.open(stack.spec(server, env, 0), subscribers)
  const publisher = await stack.publisher(server, env)
  await pool.progress(10)
  let firstSeq = BENCH_SEQ_BASE
  // Warm up, so the profile shows the steady state rather than the JIT.
  await pool.expect(firstSeq, 2000)
  await publishOpenEnded({ pool, publisher, firstSeq, cap: 2000, window: 200, ms: 1000 })
  firstSeq += 2000
  const cap = rate === undefined ? 1_000_000 : Math.max(1, Math.round(rate * seconds))
  await pool.expect(firstSeq, cap)
  const { value, profile } = await server.profile(async () =>
    rate === undefined
      ? publishOpenEnded({ pool, publisher, firstSeq, cap, window: 200, ms: seconds * 1000 })
      : {
          ...(await publishAtRate({ pool, publisher, firstSeq, messages: cap, rate })),
          published: cap,
        },
  )
  await publisher.close()
  const stats = await pool.collect()
  const elapsed = (stats.lastAt - value.tStart) / 1000
  console.info(
    `${stackName} N=${subscribers}: ${value.published} published, ${stats.delivered} delivered, ` +
      `${Math.round(stats.delivered / elapsed)} deliveries/s, ` +
      `missing ${value.published * subscribers - stats.delivered}`,
  )
  const dir = path.join(BENCH_DIR, 'profiles')
  mkdirSync(dir, { recursive: true })
  const file = path.join(
    dir,
    `${stackName}-${subscribers}${rate === undefined ? '' : `-at-${rate}`}.cpuprofile`,
  )
  writeFileSync(file, JSON.stringify(profile))
  console.info(`wrote ${path.relative(process.cwd(), file)}\n`)
  console.info(topSelfTime(profile, 40))
} finally {
  await pool.stop()
  await server.stop()
  env.dispose()
}

/** Profiles one of a demo's workloads on a fresh server, like a stack's fan-out below. */
async function profileWork(name: string, work: ProfiledWork, rest: string[]): Promise<void> {
  installCleanupHandlers()
  pinSelfToLoadCore()
  const env = createBenchEnv(5000)
  const pool = LoadPool.start(1)
  const server = await startServer(work.server, env)
  try {
    const { value, profile } = await server.profile(() => work.work(server, env, pool, rest))
    console.info(value)
    const dir = path.join(BENCH_DIR, 'profiles')
    mkdirSync(dir, { recursive: true })
    const file = path.join(dir, `${[name, ...rest].join('-')}.cpuprofile`)
    writeFileSync(file, JSON.stringify(profile))
    console.info(`wrote ${path.relative(process.cwd(), file)}\n`)
    console.info(topSelfTime(profile, 40))
  } finally {
    await pool.stop()
    await server.stop()
    env.dispose()
  }
}

/** Self time per function, largest first, as a text table. */
function topSelfTime(profile: CpuProfile, rows: number): string {
  const selfMs = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
  }
  const byFunction = new Map<string, number>()
  const byOrigin = new Map<string, number>()
  let total = 0
  for (const node of profile.nodes) {
    const ms = selfMs.get(node.id) ?? 0
    if (ms === 0) continue
    total += ms
    const { functionName, url, lineNumber } = node.callFrame
    const where = url.replace(/^.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '')
    const key = `${functionName || '(anonymous)'}  ${where}:${lineNumber + 1}`
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms)
    const origin = url.includes('/next/dist/')
      ? 'next'
      : url.startsWith('node:')
        ? 'node internals'
        : url === ''
          ? functionName.startsWith('(')
            ? functionName
            : 'native'
          : url.includes('node_modules')
            ? 'other packages'
            : 'our code'
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + ms)
  }
  const pct = (ms: number) => `${((100 * ms) / total).toFixed(1).padStart(5)} %`
  const lines = [...byOrigin.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([origin, ms]) => `${pct(ms)}  ${origin}`)
  lines.push('')
  for (const [key, ms] of [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    lines.push(`${pct(ms)}  ${key}`)
  }
  return lines.join('\n')
}
