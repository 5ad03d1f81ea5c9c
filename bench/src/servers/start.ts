import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  cpuProfile,
  inspectorUrlIn,
  readHeap,
  type CpuProfile,
  type HeapReading,
} from '../lib/inspector.ts'
import { freePort, waitFor } from '../lib/net.ts'
import { SERVER_CORE, spawnGroup, stopGroup, type Group } from '../lib/proc.ts'

export const BENCH_DIR = path.resolve(fileURLToPath(import.meta.url), '../../..')
export const REPO_ROOT = path.resolve(BENCH_DIR, '..')
const WEB_DIR = path.join(REPO_ROOT, 'apps/web')
const REALTIME_DIR = path.join(REPO_ROOT, 'apps/realtime')
/** B3, the bare Next app (bench/b3), built by the bench package's `build`. */
const B3_DIR = path.join(BENCH_DIR, 'b3')

/** A server under test, started the way a user starts it, pinned to the server core. */
export interface ServerHandle {
  name: string
  url: string
  pid: number
  group: Group
  /** JSON of its health endpoint. */
  health(): Promise<Record<string, unknown>>
  /** Memory after a full GC, read through the inspector. */
  heap(): Promise<HeapReading>
  /** A CPU profile of the server while `fn` runs. */
  profile<T>(fn: () => Promise<T>): Promise<{ value: T; profile: CpuProfile }>
  stop(): Promise<void>
}

export interface BenchEnv {
  dataDir: string
  sessionSecret: string
  /** Heartbeat of every SSE stack (Next and B2). */
  sseHeartbeatMs: number
  /** Removes the data folder. */
  dispose(): void
}

export function createBenchEnv(sseHeartbeatMs: number): BenchEnv {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'duplex-bench-'))
  const sessionSecret = randomBytes(32).toString('hex')
  return {
    dataDir,
    sessionSecret,
    sseHeartbeatMs,
    dispose: () => rmSync(dataDir, { recursive: true, force: true }),
  }
}

/** What `pnpm build` must have produced; the harness never benchmarks dev mode. */
export function missingBuilds(): string[] {
  const missing: string[] = []
  if (!existsSync(path.join(WEB_DIR, '.next/BUILD_ID'))) missing.push('apps/web/.next')
  if (!existsSync(path.join(REALTIME_DIR, 'dist/index.js'))) missing.push('apps/realtime/dist')
  if (!existsSync(path.join(B3_DIR, '.next/BUILD_ID'))) missing.push('bench/b3/.next')
  return missing
}

const baseEnv = () => {
  // Nothing of this shell's Node options (a debugger, a loader) leaks into a server under test.
  const env: Record<string, string | undefined> = { ...process.env }
  delete env.NODE_OPTIONS
  return env
}

async function handle(
  name: string,
  group: Group,
  url: string,
  healthPath: string,
): Promise<ServerHandle> {
  const health = async () => {
    const response = await fetch(url + healthPath)
    if (!response.ok) throw new Error(`${name} health: HTTP ${response.status}`)
    return (await response.json()) as Record<string, unknown>
  }
  const ready = await waitFor(
    async () => {
      if (group.child.exitCode !== null) return true
      try {
        await health()
        return inspectorUrlIn(group.output()) !== undefined
      } catch {
        return false
      }
    },
    60_000,
    100,
  )
  if (ready === undefined || group.child.exitCode !== null) {
    await stopGroup(group)
    throw new Error(`${name} did not start:\n${group.output().slice(-3000)}`)
  }
  const inspector = inspectorUrlIn(group.output()) ?? ''
  return {
    name,
    url,
    pid: group.pid,
    group,
    health,
    heap: () => readHeap(inspector),
    profile: (fn) => cpuProfile(inspector, fn),
    stop: () => stopGroup(group),
  }
}

const INSPECT = '--inspect=127.0.0.1:0'

/** Variables a scenario adds to a server's environment (bench/src/harness/scenario.ts). */
type ExtraEnv = Record<string, string>

/** `next start` in apps/web. */
export async function startWeb(env: BenchEnv, extra: ExtraEnv = {}): Promise<ServerHandle> {
  const port = await freePort()
  const group = spawnGroup({
    name: 'web',
    cwd: WEB_DIR,
    core: SERVER_CORE,
    args: [
      INSPECT,
      path.join(WEB_DIR, 'node_modules/next/dist/bin/next'),
      'start',
      '--port',
      String(port),
      '--hostname',
      '127.0.0.1',
    ],
    env: {
      ...baseEnv(),
      NODE_ENV: 'production',
      PORT: String(port),
      DUPLEX_DATA_DIR: env.dataDir,
      SESSION_SECRET: env.sessionSecret,
      SSE_HEARTBEAT_MS: String(env.sseHeartbeatMs),
      ...extra,
    },
  })
  return handle('web', group, `http://127.0.0.1:${port}`, '/api/health')
}

/** `node apps/realtime/dist/index.js`, as `pnpm --filter @duplex/realtime start` runs it. */
export async function startRealtime(env: BenchEnv, extra: ExtraEnv = {}): Promise<ServerHandle> {
  const port = await freePort()
  const group = spawnGroup({
    name: 'realtime',
    cwd: REALTIME_DIR,
    core: SERVER_CORE,
    args: [INSPECT, '--enable-source-maps', path.join(REALTIME_DIR, 'dist/index.js')],
    env: {
      ...baseEnv(),
      NODE_ENV: 'production',
      REALTIME_PORT: String(port),
      REALTIME_HOST: '127.0.0.1',
      DUPLEX_DATA_DIR: env.dataDir,
      SESSION_SECRET: env.sessionSecret,
      ...extra,
    },
  })
  return handle('realtime', group, `http://127.0.0.1:${port}`, '/healthz')
}

/** B3: `next start` of the bare Next app in bench/b3, the same Next and React as apps/web. */
export async function startB3(env: BenchEnv): Promise<ServerHandle> {
  const port = await freePort()
  const group = spawnGroup({
    name: 'b3-next',
    cwd: B3_DIR,
    core: SERVER_CORE,
    args: [
      INSPECT,
      path.join(BENCH_DIR, 'node_modules/next/dist/bin/next'),
      'start',
      '--port',
      String(port),
      '--hostname',
      '127.0.0.1',
    ],
    env: {
      ...baseEnv(),
      NODE_ENV: 'production',
      PORT: String(port),
      SSE_HEARTBEAT_MS: String(env.sseHeartbeatMs),
    },
  })
  return handle('b3-next', group, `http://127.0.0.1:${port}`, '/healthz')
}

export type Baseline =
  'b1-ws' | 'b2-sse' | 'sio-flood' | 'better-sse' | 'y-websocket' | 'hocuspocus'

/** One of the bench's own servers (bench/src/servers), run with Node and tsx's loader. */
export async function startBaseline(name: Baseline, env: BenchEnv): Promise<ServerHandle> {
  const group = spawnGroup({
    name,
    cwd: BENCH_DIR,
    core: SERVER_CORE,
    args: [INSPECT, '--import', 'tsx', path.join(BENCH_DIR, `src/servers/${name}.ts`)],
    env: {
      ...baseEnv(),
      NODE_ENV: 'production',
      PORT: '0',
      SSE_HEARTBEAT_MS: String(env.sseHeartbeatMs),
    },
  })
  const port = await waitFor(() => /READY (\d+)/.test(group.output()), 30_000, 50)
  const match = /READY (\d+)/.exec(group.output())
  if (port === undefined || !match) {
    await stopGroup(group)
    throw new Error(`${name} did not start:\n${group.output().slice(-3000)}`)
  }
  return handle(name, group, `http://127.0.0.1:${match[1]}`, '/healthz')
}

/**
 * The servers a run can start: the apps under test and the bench's baselines, in the order a
 * run starts them.
 */
export const SERVERS = {
  web: (env: BenchEnv, extra?: ExtraEnv) => startWeb(env, extra),
  b2: (env: BenchEnv) => startBaseline('b2-sse', env),
  b3: (env: BenchEnv) => startB3(env),
  bsse: (env: BenchEnv) => startBaseline('better-sse', env),
  b1: (env: BenchEnv) => startBaseline('b1-ws', env),
  realtime: (env: BenchEnv, extra?: ExtraEnv) => startRealtime(env, extra),
  sio: (env: BenchEnv) => startBaseline('sio-flood', env),
  yws: (env: BenchEnv) => startBaseline('y-websocket', env), // demo:editor
  hocus: (env: BenchEnv) => startBaseline('hocuspocus', env), // demo:editor
} satisfies Record<string, (env: BenchEnv, extra?: ExtraEnv) => Promise<ServerHandle>>

export type ServerId = keyof typeof SERVERS

/** The realtime server's own count of open connections of one transport (`socketio`, `yjs`). */
export async function realtimeCount(server: ServerHandle, transport: string): Promise<number> {
  const health = (await server.health()) as { connections: Record<string, number> }
  return health.connections[transport] ?? 0
}
