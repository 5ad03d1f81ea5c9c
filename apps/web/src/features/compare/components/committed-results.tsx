import type { BenchRun } from '@/features/compare/server/bench-results'
import { PeerResults } from './peer-results'
import { TableHead } from './table-head'

const COLORS: Record<string, string> = {
  'B2 raw SSE': '#94a3b8',
  'Next SSE route': '#0ea5e9',
  'B1 raw ws': '#a3a3a3',
  'Socket.IO room': '#8b5cf6',
  'B1 raw ws (Yjs-sized binary)': '#d4d4d4',
  'Yjs relay': '#f59e0b',
}

const int = (x: number) => Math.round(x).toLocaleString('en-US')
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2))

/** The last committed `pnpm bench` run: its machine, goals, a bar chart and the fan-out table. */
export function CommittedResults({ run, file }: { run: BenchRun; file: string }) {
  const open = run.fanout.filter((r) => r.phase === 'open')
  const max = Math.max(1, ...open.map((r) => r.deliveriesPerS))
  const ns = [...new Set(open.map((r) => r.subscribers))].sort((a, b) => a - b)
  const gb = (run.machine.memoryBytes / 1024 ** 3).toFixed(0)
  return (
    <section aria-labelledby="committed-title" className="grid gap-4">
      <div>
        <h2 id="committed-title" className="text-lg font-semibold">
          The last committed benchmark run
        </h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
          <code>pnpm bench</code> ({run.mode}) on {run.machine.cpuModel}, {run.machine.cores} cores,{' '}
          {gb} GiB, Node {run.machine.node}; commit <code>{run.commit}</code>,{' '}
          {new Date(run.startedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC. Servers on one
          core, every client on the other. From <code>{file}</code>; details in{' '}
          <code>docs/benchmarks.md</code>.
        </p>
      </div>

      <PeerResults run={run} />

      <figure className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <figcaption className="mb-3 text-sm font-medium text-slate-700 dark:text-slate-300">
          Fan-out, open-ended: deliveries per second (one publisher, N subscribers)
        </figcaption>
        <div className="grid gap-4">
          {ns.map((n) => (
            <div key={n}>
              <div className="mb-1 text-xs font-semibold text-slate-500 dark:text-slate-400">
                N = {int(n)}
              </div>
              <ul className="grid gap-1">
                {open
                  .filter((r) => r.subscribers === n)
                  .map((r) => (
                    <li
                      key={r.stack}
                      className="grid grid-cols-[12rem_1fr] items-center gap-2 text-xs"
                    >
                      <span className="truncate text-slate-700 dark:text-slate-300">{r.stack}</span>
                      <span className="flex items-center gap-2">
                        <span
                          className="h-3 rounded-sm"
                          style={{
                            width: `${Math.max(0.5, (r.deliveriesPerS / max) * 100)}%`,
                            background: COLORS[r.stack] ?? '#64748b',
                          }}
                        />
                        <span className="tabular-nums text-slate-700 dark:text-slate-300">
                          {int(r.deliveriesPerS)}/s{r.loadBound ? ' ⚠' : ''}
                        </span>
                      </span>
                    </li>
                  ))}
              </ul>
            </div>
          ))}
        </div>
        <p className="mt-3 text-xs text-slate-500 dark:text-slate-400">
          ⚠ the load generator was above 85% of its core: that figure may measure the clients.
        </p>
      </figure>

      <div className="scroll-hint overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
        <table className="w-full text-left text-sm" data-testid="committed-goals">
          <caption className="px-3 py-2 text-left text-sm font-medium">
            Goals, as ratios within the run
          </caption>
          <TableHead
            columns={[
              { label: 'Goal' },
              { label: 'Basis' },
              { label: 'Value', numeric: true },
              { label: 'Target', numeric: true },
              { label: 'Result' },
            ]}
          />
          <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
            {run.goals.map((g) => (
              <tr key={`${g.id}-${g.basis}`}>
                <td className="px-3 py-2">{g.text}</td>
                <td className="px-3 py-2 text-slate-600 dark:text-slate-300">{g.basis}</td>
                <td className="px-3 py-2 text-right tabular-nums">{g.value}</td>
                <td className="px-3 py-2 text-right tabular-nums">
                  {g.kind === 'min' ? '≥' : '≤'} {g.target}
                </td>
                <td className="px-3 py-2">
                  <span
                    className={`rounded px-1.5 py-0.5 text-xs font-semibold ${
                      g.pass
                        ? 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200'
                        : 'bg-rose-100 text-rose-900 dark:bg-rose-950 dark:text-rose-200'
                    }`}
                  >
                    {g.pass ? 'met' : 'missed'}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="scroll-hint overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
        <table className="w-full text-left text-sm">
          <caption className="px-3 py-2 text-left text-sm font-medium">
            Fan-out, every stack (latency: server timestamp → delivery)
          </caption>
          <TableHead
            columns={[
              { label: 'Stack' },
              { label: 'N', numeric: true },
              { label: 'Phase' },
              { label: 'Deliveries/s', numeric: true },
              { label: 'p50 ms', numeric: true },
              { label: 'p99 ms', numeric: true },
              { label: 'Missing', numeric: true },
              { label: 'Dup', numeric: true },
            ]}
          />
          <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
            {run.fanout.map((r) => (
              <tr key={`${r.stack}-${r.subscribers}-${r.phase}`}>
                <td className="px-3 py-2 whitespace-nowrap">{r.stack}</td>
                <td className="px-3 py-2 text-right tabular-nums">{int(r.subscribers)}</td>
                <td className="px-3 py-2">
                  {r.phase === 'open' ? 'open-ended' : `${r.rate} msg/s`}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{int(r.deliveriesPerS)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{ms(r.latency.p50Ms)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{ms(r.latency.p99Ms)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{int(r.missing)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{int(r.duplicates)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}
