import type { FanoutRow, GoalRow, IdleRow, RunResult } from '../results.ts'

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : 0)

function fanout(result: RunResult, stack: string, n: number, phase: 'fixed' | 'open') {
  return result.fanout.find((r) => r.stack === stack && r.subscribers === n && r.phase === phase)
}

/**
 * The issue's goals, each as a ratio of two figures from this one run. Nothing here is tuned to
 * pass: a goal that is missed is reported as missed.
 */
export function evaluateGoals(result: RunResult): GoalRow[] {
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

  const pair = (
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

  pair(
    'next-fanout-rate',
    'Next SSE fan-out deliveries/s ÷ B2',
    'Next SSE route',
    'B2 raw SSE',
    'open',
    (r) => r.deliveriesPerS,
    0.8,
    'min',
  )
  pair(
    'next-fanout-p99',
    'Next SSE fan-out p99 latency ÷ B2',
    'Next SSE route',
    'B2 raw SSE',
    'fixed',
    (r) => r.latency.p99Ms,
    1.5,
    'max',
  )
  pair(
    'sio-fanout-rate',
    'Socket.IO room broadcast deliveries/s ÷ B1',
    'Socket.IO room',
    'B1 raw ws',
    'open',
    (r) => r.deliveriesPerS,
    0.6,
    'min',
  )
  pair(
    'yjs-relay-rate',
    'Yjs relay deliveries/s ÷ B1 (same payload)',
    'Yjs relay',
    'B1 raw ws (Yjs-sized binary)',
    'open',
    (r) => r.deliveriesPerS,
    0.5,
    'min',
  )

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
  idleMemory(
    'next-idle-memory',
    'Next memory per idle stream ÷ B2 (RSS)',
    2,
    idle('Next SSE route'),
    idle('B2 raw SSE'),
  )
  idleMemory(
    'sio-idle-memory',
    'Socket.IO memory per idle socket ÷ B1 (RSS)',
    3,
    // Runs before the library-alone row existed named the chat server's row plain 'Socket.IO'.
    idle('Socket.IO chat server', 'Socket.IO'),
    idle('B1 raw ws'),
  )

  const chat = result.rtt.find((r) => r.stack === 'Socket.IO chat')
  const echo = result.rtt.find((r) => r.stack === 'B1 raw ws echo')
  if (chat && echo) {
    add(
      'chat-rtt-p99',
      'Chat round trip p99 ÷ raw ws echo (sender)',
      `${chat.messages} round trips`,
      ratio(chat.sender.p99Ms, echo.sender.p99Ms),
      2,
      'max',
    )
    add(
      'chat-member-p99',
      'Chat send → other member p99 ÷ raw ws echo',
      `${chat.messages} round trips`,
      ratio(chat.member.p99Ms, echo.member.p99Ms),
      2,
      'max',
    )
  }

  const rows = [
    ...result.flood,
    ...result.fanout,
    ...result.rtt,
    ...(result.yjs ? [result.yjs.latency] : []),
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
