import type { BenchRun } from '@/features/compare/server/bench-results'
import { peerRows } from '@/features/compare/lib/peers'
import { TableHead } from './table-head'

/** Duplex beside what a user would pick instead, one sentence per row, from the committed run. */
export function PeerResults({ run }: { run: BenchRun }) {
  const rows = peerRows(run)
  if (rows.length === 0) return null
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full text-left text-sm" data-testid="committed-peers">
        <caption className="px-3 py-2 text-left text-sm font-medium">
          Duplex beside the peers a user would pick instead (ratios: Duplex ÷ peer, lower is cheaper
          for Duplex)
        </caption>
        <TableHead
          columns={[{ label: 'Compared with' }, { label: 'Ratios' }, { label: 'What it means' }]}
        />
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {rows.map((r) => (
            <tr key={r.id}>
              <td className="px-3 py-2 align-top">{r.peer}</td>
              <td className="px-3 py-2 align-top tabular-nums whitespace-nowrap">{r.figures}</td>
              <td className="px-3 py-2 align-top text-slate-600 dark:text-slate-300">
                {r.meaning}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
