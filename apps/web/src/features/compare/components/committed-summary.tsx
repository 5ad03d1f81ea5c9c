import type { BenchRun } from '@/features/compare/server/bench-results'

/**
 * Why a goal was missed and what that means for someone choosing SSE or WebSockets, per goal id
 * of `bench/src` (one sentence each). A goal without an entry gets the table's numbers only.
 */
const MISSED: Record<string, string> = {
  'next-fanout-rate':
    'At the largest fan-out the Next.js route delivers less than bare SSE because every response goes through the framework and web streams, which a two-core machine runs out of first: SSE in Next.js suits hundreds of readers per core; beyond that, serve the stream from a plain Node process.',
  'next-fanout-p99':
    'The slowest Next.js deliveries wait longer than bare SSE for the same reason (framework and web-stream layers per response), so this is the cost of Next.js, not of SSE; a ticker tolerates it, a latency-critical feed would run the stream outside Next.',
  'yjs-relay-rate':
    'The Yjs relay applies every update to the shared document before relaying it, so it forwards about half of what a bare socket does: that work is what buys merging and offline edits; for plain broadcast a Socket.IO room or raw socket is cheaper.',
  'next-idle-memory':
    'An idle Next.js stream holds a request, a response and web-stream objects, many times a bare SSE response: with many idle subscribers, memory rather than CPU limits SSE in Next.js.',
  'sio-idle-memory':
    'A Socket.IO socket keeps its engine.io session, rooms and recovery buffer, a few times a bare WebSocket: the memory price of reconnection with recovery, acks and rooms.',
  'chat-rtt-p99':
    'A chat message is validated, rate-limited and stored before its ack, which a raw echo skips, so its slowest round trips take several times longer: that is the cost of durable chat, and it would be the same over any transport.',
  'chat-member-p99':
    'Delivery to the other members waits for the same validation and storage as the ack: durable chat costs latency whatever the transport.',
  'cleanup-realtime':
    "After every client left, the realtime server's heap stayed slightly above the target, with its connection counts at zero: warm caches or a slow leak, which one more run over time would tell apart; it does not favour either transport.",
  'sio-idle-memory-alone':
    'An idle chat socket holds its session, its room memberships and its recovery buffer on top of what Socket.IO alone keeps, about a third more: the memory price of presence and of getting missed messages back after a drop.',
  'chat-rtt-p99-alone':
    'Against Socket.IO alone, the slowest chat round trips are a few times longer because each message is checked, rate limited, deduplicated and written to SQLite before its ack: the transport is not the cost, durability is.',
  'json-cpu-b3':
    "A JSON request costs Duplex about 1.4× a bare Next route's CPU: the edge checks, the session lookup and the security headers every route now runs are ours, and they are the price of refusing hostile clients.",
  'yjs-trace-cpu-hocuspocus':
    'Duplex replays the trace on about two thirds of the CPU Hocuspocus needs, short of the half it aimed for: both servers apply every update to a shared document before relaying it, so a Yjs server stays a heavier choice than a plain broadcast.',
  'cleanup-better-sse':
    "better-sse's own heap stayed a little above where it started after every client left, with its counts at zero: a baseline's warm caches, which say nothing about Duplex.",
}

/** Goals grouped by id: met when every measurement of it met its target. */
function groupGoals(goals: BenchRun['goals']) {
  const byId = new Map<string, { text: string; pass: boolean; bases: string[] }>()
  for (const goal of goals) {
    const entry = byId.get(goal.id) ?? { text: goal.text, pass: true, bases: [] }
    entry.pass &&= goal.pass
    if (!goal.pass) entry.bases.push(goal.basis)
    byId.set(goal.id, entry)
  }
  return [...byId].map(([id, entry]) => ({ id, ...entry }))
}

/** The committed run in ten seconds: what was compared, where, and what the missed goals mean. */
export function CommittedSummary({ run }: { run: BenchRun }) {
  const goals = groupGoals(run.goals)
  const met = goals.filter((g) => g.pass)
  const missed = goals.filter((g) => !g.pass)
  const stacks = [...new Set([...run.flood, ...run.fanout].map((r) => r.stack))]
  return (
    <section
      aria-labelledby="summary-title"
      data-testid="compare-summary"
      className="rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm sm:p-5 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="summary-title" className="text-lg font-semibold">
        In short
      </h2>
      <p className="mt-2 text-slate-700 dark:text-slate-300">
        <strong>Compared:</strong> {stacks.join(', ')}, each next to a bare baseline (B1: a raw
        WebSocket server, B2: a raw SSE server) doing the same work. <strong>Machine:</strong>{' '}
        {run.machine.cores} cores ({run.machine.cpuModel}), servers on one core and every client on
        the other, so ratios matter more than absolute numbers.
      </p>
      <p className="mt-2 font-medium" data-testid="summary-score">
        {met.length} of {goals.length} goals met.{' '}
        <span className="font-normal text-slate-600 dark:text-slate-400">
          The goals are ratios to the bare baselines, deliberately strict: a miss says what a layer
          costs, not that the demo is broken.
        </span>
      </p>
      {missed.length > 0 && (
        <ul className="mt-3 grid gap-2" aria-label="Missed goals, and what they mean">
          {missed.map((goal) => (
            <li
              key={goal.id}
              data-goal={goal.id}
              className="rounded-lg border-l-4 border-amber-400 bg-amber-50/60 px-3 py-2 dark:border-amber-600 dark:bg-amber-950/30"
            >
              <p className="font-medium text-slate-900 dark:text-slate-100">
                {goal.text}{' '}
                <span className="font-normal text-slate-500 dark:text-slate-400">
                  (missed at {goal.bases.join('; ')})
                </span>
              </p>
              <p className="mt-0.5 text-slate-700 dark:text-slate-300">
                {MISSED[goal.id] ?? 'See the table below for the measured value and its target.'}
              </p>
            </li>
          ))}
        </ul>
      )}
      {met.length > 0 && (
        <p className="mt-3 text-slate-600 dark:text-slate-400">
          <strong className="text-emerald-700 dark:text-emerald-400">Met:</strong>{' '}
          {met.map((g) => g.text).join(' · ')}
        </p>
      )}
    </section>
  )
}
