import type { ConnSpec } from '../load/messages.ts'
import type { LoadPool } from '../load/pool.ts'
import type { Publisher } from '../load/publishers.ts'
import type { RttTaskResult } from '../load/tasks.ts'
import type { Profile } from '../profiles.ts'
import type { FanoutRow, GoalRow, IdleRow, RunResult } from '../results.ts'
import type { BenchEnv, ServerHandle, ServerId } from '../servers/start.ts'

/**
 * Where a demo's row goes in a table the baselines start: beside the baseline it is read
 * against. Rows with the same anchor keep the order of the scenario list; no anchor: last.
 */
export type Beside = { before: string } | { after: string }

/** A row of scenario 1: one client, N messages as fast as the server sends them. */
export interface FloodStack {
  name: string
  server: ServerId
  /** The load worker's flood kind (a `floods` entry of a worker part) that connects and triggers. */
  kind: string
  /** Handed to the flood as `secret`, for a server whose streams need a session (Duplex). */
  secret?: string
  beside?: Beside
}

/** A stack of scenario 2 (fan-out), checked again by scenario 6 (cleanup). */
export interface FanoutStack {
  name: string
  server: ServerId
  spec(): ConnSpec
  publisher(): Promise<Publisher>
  /** The server's own count of open subscriber connections. */
  count(): Promise<number>
  /** Waits out what the server keeps on purpose after clients left, before cleanup's heap reading. */
  settle?(): Promise<void>
  beside?: Beside
}

/** A stack of scenario 3: idle connections. */
export interface IdleStack {
  name: string
  server: ServerId
  spec(): ConnSpec
  heartbeatMs: number
  beside?: Beside
}

/** A row of scenario 4: round trips one at a time. */
export interface RttStack {
  name: string
  run(): Promise<RttTaskResult>
  beside?: Beside
}

/** A row of the JSON-route scenario: `autocannon` against one GET route of a server. */
export interface JsonStack {
  name: string
  server: ServerId
  path: string
  beside?: Beside
}

/** What a scenario adds to one run. */
export interface ScenarioRows {
  flood?: FloodStack[]
  fanout?: FanoutStack[]
  idle?: IdleStack[]
  rtt?: RttStack[]
  json?: JsonStack[]
  /** A scenario of its own, run after the shared ones (scenario 5); it may write into `ctx.result`. */
  own?(): Promise<void>
}

export interface ScenarioContext {
  profile: Profile
  env: BenchEnv
  pool: LoadPool
  /** The run's result so far. */
  result: RunResult
  /** A server the run started (one of the scenario's `servers`, or a baseline's). */
  server(id: ServerId): ServerHandle
  /** Stops a server and starts a fresh process of it (same data folder). */
  restart(id: ServerId): Promise<ServerHandle>
  /** Reserves `count` bench seqs; returns the first. */
  seqs(count: number): number
  log(line: string): void
}

/** Goals of one scenario, each a ratio of two figures of the run (see report/goals.ts). */
export interface GoalKit {
  result: RunResult
  /** a ÷ b to three decimals (0 when b is 0). */
  ratio(a: number, b: number): number
  add(
    id: string,
    text: string,
    basis: string,
    value: number,
    target: number,
    kind: GoalRow['kind'],
  ): void
  /** One goal per subscriber count: `pick` of `stack` ÷ `pick` of `base`, in the same phase. */
  fanoutRatio(
    id: string,
    text: string,
    stack: string,
    base: string,
    phase: FanoutRow['phase'],
    pick: (r: FanoutRow) => number,
    target: number,
    kind: GoalRow['kind'],
  ): void
  /** The first idle row with one of these names. */
  idle(...names: string[]): IdleRow | undefined
  /** RSS per idle connection of `row` ÷ that of `base`; nothing when either is missing. */
  idleMemory(id: string, text: string, target: number, row?: IdleRow, base?: IdleRow): void
}

/** Goals grouped by the scenario their rows come from, so the goals table keeps one order. */
export interface ScenarioGoals {
  fanout?(g: GoalKit): void
  idle?(g: GoalKit): void
  rtt?(g: GoalKit): void
  json?(g: GoalKit): void
  /** Goals of a scenario's own rows (its `own` run), after every shared table's. */
  own?(g: GoalKit): void
}

/** A stack `pnpm bench:profile <name>` can profile: one server under the fan-out. */
export interface ProfiledStack {
  server: ServerId
  spec(server: ServerHandle, env: BenchEnv, index: number): ConnSpec
  publisher(server: ServerHandle, env: BenchEnv): Promise<Publisher>
}

/**
 * A workload of `pnpm bench:profile <name> [args…]` other than the fan-out: `work` runs while
 * `server` is profiled and returns a line that says what it did.
 */
export interface ProfiledWork {
  server: ServerId
  work(server: ServerHandle, env: BenchEnv, pool: LoadPool, args: string[]): Promise<string>
}

/**
 * One demo's part of the benchmark (bench/src/scenarios/<demo>/), composed by
 * bench/src/scenarios/index.ts. Removing a demo removes its folder and its list line; the run
 * then skips its rows, its goals and any server no remaining scenario needs.
 */
export interface Scenario {
  /** The demo, as its markers name it. */
  name: string
  /** Servers of the apps its rows need, beyond the baselines (which always run). */
  servers: readonly ServerId[]
  /** Variables the scenario needs in a server's environment. */
  serverEnv?: Partial<Record<ServerId, Record<string, string>>>
  /** Called once per run, after every server started. */
  rows(ctx: ScenarioContext): ScenarioRows
  goals?: ScenarioGoals
  /** Stacks of `pnpm bench:profile`, by the name typed on the command line. */
  profiled?: Record<string, ProfiledStack>
  /** Other workloads of `pnpm bench:profile`, by name. */
  profiledWork?: Record<string, ProfiledWork>
}

/**
 * The baselines' rows with each scenario's rows placed beside their anchors. Rows anchored to
 * the same baseline keep their order (stable sort), so a full list reads as it always did.
 */
export function placeRows<T extends { name: string; beside?: Beside }>(
  baselines: readonly T[],
  added: readonly T[],
): T[] {
  const at = (row: T): number => {
    const anchor = row.beside
    if (!anchor) return baselines.includes(row) ? baselines.indexOf(row) * 2 : Infinity
    const name = 'before' in anchor ? anchor.before : anchor.after
    const index = baselines.findIndex((b) => b.name === name)
    if (index === -1) return Infinity
    return index * 2 + ('before' in anchor ? -1 : 1)
  }
  return [...baselines, ...added]
    .map((row, order) => ({ row, order, key: at(row) }))
    .sort((a, b) => a.key - b.key || a.order - b.order)
    .map((r) => r.row)
}
