import type { BenchRun } from '@/features/compare/server/bench-results'
import { peerRows } from '@/features/compare/lib/peers'

/**
 * Duplex beside what a user would pick instead, one sentence per row, from the committed run. A
 * list rather than a table: three wordy columns do not fit a phone.
 */
export function PeerResults({ run }: { run: BenchRun }) {
  const rows = peerRows(run)
  if (rows.length === 0) return null
  return (
    <section
      aria-labelledby="committed-peers-title"
      className="rounded-lg border border-slate-200 dark:border-slate-800"
    >
      <h3 id="committed-peers-title" className="px-3 py-2 text-sm font-medium">
        Duplex beside the peers a user would pick instead (each ratio is Duplex ÷ the peer)
      </h3>
      <ul
        className="divide-y divide-slate-200 border-t border-slate-200 text-sm dark:divide-slate-800 dark:border-slate-800"
        data-testid="committed-peers"
      >
        {rows.map((r) => (
          <li key={r.id} className="grid gap-1 px-3 py-2 md:grid-cols-[16rem_14rem_1fr] md:gap-4">
            <span className="font-medium">{r.peer}</span>
            <span className="tabular-nums">{r.figures}</span>
            <span className="text-slate-600 dark:text-slate-300">{r.meaning}</span>
          </li>
        ))}
      </ul>
    </section>
  )
}
