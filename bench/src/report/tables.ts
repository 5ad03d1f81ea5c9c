import type { GoalRow, RunResult } from '../results.ts'
import { bytes, int, ms, pct } from './format.ts'

type Table = { title: string; header: string[]; rows: string[][] }

const goalResult = (g: GoalRow) => (g.pass ? 'met' : 'MISSED')
const goalTarget = (g: GoalRow) => `${g.kind === 'min' ? '≥' : '≤'} ${g.target}`

/** Every table of a run, shared by the terminal report, docs/benchmarks.md and the web page that shows a run. */
export function tablesOf(result: RunResult): Table[] {
  const tables: Table[] = []
  tables.push({
    title: 'Goals (ratios within this run)',
    header: ['Goal', 'Basis', 'Value', 'Target', 'Result'],
    rows: result.goals.map((g) => [g.text, g.basis, String(g.value), goalTarget(g), goalResult(g)]),
  })
  tables.push({
    title: `1. One client, ${int(result.flood[0]?.messages ?? 0)} messages as fast as the server sends (the guide's test)`,
    header: ['Stack', 'Time (ms)', 'msgs/s', 'Missing', 'Dup', 'Server CPU', 'Load CPU'],
    rows: result.flood.map((r) => [
      r.stack,
      ms(r.ms),
      int(r.msgsPerS),
      int(r.missing),
      int(r.duplicates),
      pct(r.serverCpu),
      `${pct(r.loadCpu)}${r.loadBound ? ' ⚠' : ''}`,
    ]),
  })
  tables.push({
    title: '2. Fan-out: one publisher, N subscribers',
    header: [
      'Stack',
      'N',
      'Phase',
      'Published',
      'Deliveries/s',
      'p50 ms',
      'p99 ms',
      'max ms',
      'Missing',
      'Dup',
      'Server CPU',
      'Deliveries per server CPU-s',
      'Load CPU',
    ],
    rows: result.fanout.map((r) => [
      r.stack,
      int(r.subscribers),
      r.phase === 'fixed' ? `${r.rate} msg/s` : 'open-ended',
      int(r.published),
      int(r.deliveriesPerS),
      ms(r.latency.p50Ms),
      ms(r.latency.p99Ms),
      ms(r.latency.maxMs),
      int(r.missing),
      int(r.duplicates),
      pct(r.serverCpu),
      // What the server core could carry at this cost per delivery: comparable even in a row whose
      // clients, not the server, set the pace (⚠).
      r.serverCpu > 0 ? int(r.deliveriesPerS / r.serverCpu) : '–',
      `${pct(r.loadCpu)}${r.loadBound ? ' ⚠' : ''}`,
    ]),
  })
  tables.push({
    title: '3. Idle connections',
    header: ['Stack', 'Connections', 'Heartbeat', 'RSS / conn', 'Heap+external / conn', 'Idle CPU'],
    rows: result.idle.map((r) => [
      r.stack,
      int(r.connections),
      `${r.heartbeatMs / 1000} s`,
      bytes(r.rssPerConnBytes),
      bytes(r.heapPerConnBytes),
      `${(r.idleCpu * 100).toFixed(2)}% over ${r.idleMs / 1000} s`,
    ]),
  })
  tables.push({
    title: '4. Chat round trip (one message at a time)',
    header: [
      'Stack',
      'Messages',
      'Sender p50 ms',
      'Sender p99 ms',
      'Member p50 ms',
      'Member p99 ms',
      'Missing',
      'Dup',
      'Refused',
    ],
    rows: result.rtt.map((r) => [
      r.stack,
      int(r.messages),
      ms(r.sender.p50Ms),
      ms(r.sender.p99Ms),
      ms(r.member.p50Ms),
      ms(r.member.p99Ms),
      int(r.missing),
      int(r.duplicates),
      int(r.refused),
    ]),
  })
  if (result.json && result.json.length > 0) {
    tables.push({
      title: `JSON routes (autocannon, ${result.json[0]?.connections ?? 0} connections)`,
      header: [
        'Stack',
        'Requests',
        'req/s',
        'Errors',
        'p50 ms',
        'p99 ms',
        'Server CPU per request',
      ],
      rows: result.json.map((r) => [
        r.stack,
        int(r.requests),
        int(r.reqPerS),
        int(r.errors),
        ms(r.latency.p50Ms),
        ms(r.latency.p99Ms),
        `${r.cpuPerRequestUs} µs`,
      ]),
    })
  }
  // demo:editor:start
  if (result.yjs?.replay && result.yjs.replay.length > 0) {
    const reload = result.yjs.replayReload
    tables.push({
      title:
        'Yjs editing-trace replay: one writer, N observers (seph-blog1: editing trace by Joseph Gentle (josephg/editing-traces), CC BY 4.0)',
      header: [
        'Trace',
        'Server',
        'Observers',
        'Transactions',
        'Sent in',
        'Every observer exact after',
        'Server CPU-s',
        'Peak server RSS',
        'Dropped',
        'Exact',
      ],
      rows: [
        ...result.yjs.replay.map((r) => [
          r.trace,
          r.server,
          int(r.observers),
          int(r.txns),
          `${ms(r.sendMs)} ms`,
          `${ms(r.convergeMs)} ms`,
          String(r.serverCpuS),
          bytes(r.peakRssBytes),
          int(r.dropped),
          r.exact ? 'yes' : 'NO',
        ]),
        ...(reload
          ? [
              [
                'seph-blog1',
                'Duplex, reload from storage (new process → synced)',
                '1',
                int(reload.txns),
                '–',
                `${ms(reload.ms)} ms`,
                '–',
                '–',
                '–',
                reload.complete ? 'yes' : 'NO',
              ],
            ]
          : []),
      ],
    })
  }
  if (result.yjs) {
    const y = result.yjs
    tables.push({
      title: '5. Yjs through the realtime server',
      header: ['Measure', 'Value'],
      rows: [
        [
          'Update → remote apply, p50 / p99 / max',
          `${ms(y.latency.p50Ms)} / ${ms(y.latency.p99Ms)} / ${ms(y.latency.maxMs)} ms (N=${int(y.latency.n)})`,
        ],
        ['Missing / duplicate updates', `${y.latency.missing} / ${y.latency.duplicates}`],
        [
          'Editing trace replayed',
          `${int(y.trace.ops)} ops in ${ms(y.trace.ms)} ms (${int(y.trace.opsPerS)} ops/s), ${y.trace.converged ? 'converged' : 'DID NOT CONVERGE'}`,
        ],
        [
          'Final document',
          `${int(y.trace.textLength)} characters, ${bytes(y.trace.docBytes)} encoded`,
        ],
        [
          'Server memory after the trace',
          `RSS ${bytes(y.trace.serverRssBytes)}, heap ${bytes(y.trace.serverHeapBytes)}`,
        ],
        [
          'Reload from storage (new server process → synced)',
          `${ms(y.reload.ms)} ms, ${y.reload.complete ? 'complete' : 'INCOMPLETE'}`,
        ],
      ],
    })
  }
  // demo:editor:end
  tables.push({
    title: '6. Cleanup after every client left',
    header: [
      'Server',
      'Counts at zero after',
      'Heap before',
      'Heap after',
      'Ratio',
      'Of the growth, compiled code',
    ],
    rows: result.cleanup.map((c) => [
      c.stack,
      c.zeroMs === null ? 'not within 5 s' : `${c.zeroMs} ms`,
      bytes(c.heapStartBytes),
      bytes(c.heapEndBytes),
      `×${c.heapRatio}`,
      c.codeGrowthBytes === undefined ? '–' : bytes(c.codeGrowthBytes),
    ]),
  })
  return tables
}
