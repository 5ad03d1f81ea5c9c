import type { GoalKit, ScenarioGoals } from '../harness/scenario.ts'
import type { FanoutRow, GoalRow, IdleRow, RunResult } from '../results.ts'

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : 0)

function fanout(result: RunResult, stack: string, n: number, phase: 'fixed' | 'open') {
  return result.fanout.find((r) => r.stack === stack && r.subscribers === n && r.phase === phase)
}

/**
 * The issue's goals, each as a ratio of two figures from this one run. Nothing here is tuned to
 * pass: a goal that is missed is reported as missed. Each demo's scenario declares the goals of
 * its rows (fan-out ones first, then idle, then round trip, scenario by scenario); the goals over
 * every row (nothing dropped or doubled, cleanup) follow.
 */
export function evaluateGoals(
  result: RunResult,
  scenarios: readonly { goals?: ScenarioGoals }[],
): GoalRow[] {
  const goals: GoalRow[] = []
  const add = (
    id: string,
    text: string,
    basis: string,
    value: number,
    target: number,
    kind: 'min' | 'max',
  ) => {
    goals.push({
      id,
      text,
      basis,
      value,
      target,
      kind,
      pass: kind === 'min' ? value >= target : value <= target,
    })
  }
  const ns = [...new Set(result.fanout.map((r) => r.subscribers))].sort((a, b) => a - b)

  const fanoutRatio = (
    id: string,
    text: string,
    stack: string,
    base: string,
    phase: 'fixed' | 'open',
    pick: (r: FanoutRow) => number,
    target: number,
    kind: 'min' | 'max',
  ) => {
    for (const n of ns) {
      const a = fanout(result, stack, n, phase)
      const b = fanout(result, base, n, phase)
      if (!a || !b) continue
      // A ratio of rows whose clients were the bottleneck compares the clients as much as the
      // servers: the basis says so, the figure stands.
      const loadBound = a.loadBound || b.loadBound ? ', clients saturated ⚠' : ''
      add(
        id,
        text,
        `N=${n}, ${phase === 'open' ? 'open-ended' : `fixed ${b.rate ?? ''} msg/s`}${loadBound}`,
        ratio(pick(a), pick(b)),
        target,
        kind,
      )
    }
  }

  /** The first idle row with one of these names. */
  const idle = (...names: string[]) =>
    names.map((name) => result.idle.find((r) => r.stack === name)).find((r) => r !== undefined)
  const idleMemory = (id: string, text: string, target: number, row?: IdleRow, base?: IdleRow) => {
    if (!row || !base) return
    add(
      id,
      text,
      `N=${row.connections}`,
      ratio(row.rssPerConnBytes, base.rssPerConnBytes),
      target,
      'max',
    )
  }

  const kit: GoalKit = { result, ratio, add, fanoutRatio, idle, idleMemory }
  for (const phase of ['fanout', 'idle', 'rtt', 'json', 'own'] as const) {
    for (const scenario of scenarios) scenario.goals?.[phase]?.(kit)
  }

  const rows = [
    ...result.flood,
    ...result.fanout,
    ...result.rtt,
    ...(result.yjs ? [result.yjs.latency] : []), // demo:editor
  ]
  const lost = rows.reduce((n, r) => n + r.missing, 0)
  const dups = rows.reduce((n, r) => n + r.duplicates, 0)
  const expected = rows.reduce((n, r) => n + r.expected, 0)
  add(
    'no-drops',
    'Messages dropped, every scenario',
    `${expected} expected deliveries`,
    lost,
    0,
    'max',
  )
  add(
    'no-duplicates',
    'Messages delivered twice, every scenario',
    `${expected} expected deliveries`,
    dups,
    0,
    'max',
  )
  for (const c of result.cleanup) {
    add(
      `cleanup-${c.stack}`,
      `${c.stack}: heap after all clients left ÷ before`,
      `counts zero after ${c.zeroMs ?? '>5000'} ms`,
      c.heapRatio,
      1.1,
      'max',
    )
    if (c.zeroMs === null)
      add(
        `cleanup-count-${c.stack}`,
        `${c.stack}: connection counts back to zero`,
        'within 5 s',
        0,
        1,
        'min',
      )
  }
  return goals
}
