import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'

/** The core the servers under test run on, and the one every load process runs on. */
export const SERVER_CORE = 0
const LOAD_CORE = 1

/** One process group this harness started. Every one of them is killed on exit, SIGINT included. */
export interface Group {
  name: string
  pid: number
  child: ChildProcess
  /** Everything the process printed, for error messages. */
  output(): string
  exited: Promise<number | null>
}

const groups = new Set<Group>()

/** Pins this process (and so every child it forks later) to the load core. */
export function pinSelfToLoadCore(): void {
  if (cpuCount() < 2) return
  execFileSync('taskset', ['-pc', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' })
}

export function cpuCount(): number {
  return readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm)?.length ?? 1
}

export interface SpawnOptions {
  name: string
  /** Arguments to `node`. */
  args: string[]
  cwd: string
  env: Record<string, string | undefined>
  /** `taskset -c <core>`; undefined: inherit this process's affinity. */
  core?: number
}

/**
 * Starts `node …args` in its own process group (so it and anything it starts can be killed as
 * one), pinned with `taskset` when a core is given.
 */
export function spawnGroup(options: SpawnOptions): Group {
  const pinned = options.core !== undefined && cpuCount() >= 2
  const command = pinned ? 'taskset' : process.execPath
  const args = pinned
    ? ['-c', String(options.core), process.execPath, ...options.args]
    : options.args
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  const append = (chunk: Buffer) => {
    log += chunk.toString()
    if (log.length > 200_000) log = log.slice(-100_000)
  }
  child.stdout?.on('data', append)
  child.stderr?.on('data', append)
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      groups.delete(group)
      resolve(code)
    })
  })
  if (child.pid === undefined) throw new Error(`could not start ${options.name}`)
  const group: Group = { name: options.name, pid: child.pid, child, output: () => log, exited }
  groups.add(group)
  return group
}

/** Registers a forked child (a load worker) so it is killed with the rest. */
export function adoptGroup(name: string, child: ChildProcess): Group {
  if (child.pid === undefined) throw new Error(`could not start ${name}`)
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      groups.delete(group)
      resolve(code)
    })
  })
  const group: Group = { name, pid: child.pid, child, output: () => '', exited }
  groups.add(group)
  return group
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // The group is gone already.
  }
}

/** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves when the leader has exited. */
export async function stopGroup(group: Group, graceMs = 5000): Promise<void> {
  if (!groups.has(group)) return
  signalGroup(group.pid, 'SIGTERM')
  const timer = setTimeout(() => signalGroup(group.pid, 'SIGKILL'), graceMs)
  await group.exited
  clearTimeout(timer)
  // Anything the leader started and left behind goes too, and we wait until it has really gone:
  // `next start` runs the server in a child that outlives its parent by a few milliseconds.
  signalGroup(group.pid, 'SIGKILL')
  for (let i = 0; i < 100 && groupAlive(group.pid); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Kills every group still running, at once. Safe to call from a signal handler. */
function killAllGroups(): void {
  for (const group of groups) signalGroup(group.pid, 'SIGKILL')
}

export function runningGroups(): Group[] {
  return [...groups]
}

/**
 * True while any process of the group (by process group id) is alive. Zombies do not count: an
 * orphan that was killed stays a zombie until init reaps it, and this machine's init may not.
 */
export function groupAlive(pid: number): boolean {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    try {
      process.kill(-pid, 0)
      return true
    } catch {
      return false
    }
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // Fields after the parenthesised command: state, ppid, pgrp, …
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(pgrp) === pid && state !== 'Z') return true
    } catch {
      // The process ended while we looked.
    }
  }
  return false
}

let installed = false
/** Kills every child on SIGINT/SIGTERM/exit, so an interrupted run leaves nothing behind. */
export function installCleanupHandlers(): void {
  if (installed) return
  installed = true
  process.on('exit', killAllGroups)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`\n[bench] ${signal}: stopping every process it started`)
      killAllGroups()
      process.exit(130)
    })
  }
}

const CLOCK_TICKS = 100

/** CPU seconds (user + system, all threads) a process has used so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
  } catch {
    return 0
  }
}

/** Busy and total CPU time of the whole machine so far, in clock ticks, from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const [, ...fields] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
  const ticks = fields.map(Number)
  const total = ticks.reduce((sum, t) => sum + t, 0)
  // idle and iowait are the 4th and 5th fields.
  return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total }
}

/**
 * How busy the machine's cores are, 0 to 1, over the next `ms`: what else is running before a run
 * starts. Unlike the load average, it does not remember a run that has just ended.
 */
export async function machineBusyShare(ms: number): Promise<number> {
  const start = machineTicks()
  await new Promise((resolve) => setTimeout(resolve, ms))
  const end = machineTicks()
  return end.total > start.total ? (end.busy - start.busy) / (end.total - start.total) : 0
}

/** Resident set size in bytes, from /proc. */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = /^VmRSS:\s+(\d+)/m.exec(status)?.[1]
    return kb === undefined ? 0 : Number(kb) * 1024
  } catch {
    return 0
  }
}

/** Measures the CPU share of a set of processes between `start()` and `stop()` (1.0 = one core). */
export function cpuMeter(pids: () => number[]) {
  const started = new Map<number, number>()
  let t0 = 0
  return {
    start() {
      started.clear()
      for (const pid of pids()) started.set(pid, cpuSeconds(pid))
      t0 = performance.now()
    },
    /** Share of one core used since start(), summed over the processes. */
    stop(): number {
      const wall = (performance.now() - t0) / 1000
      let used = 0
      for (const pid of pids()) used += cpuSeconds(pid) - (started.get(pid) ?? 0)
      return wall > 0 ? used / wall : 0
    },
  }
}
