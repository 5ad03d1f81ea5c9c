import { useFormatter, useTranslations } from 'next-intl'
import type { BenchRun } from '@/features/compare/server/bench-results'
import { peerRows, type PeerRow } from '@/features/compare/lib/peers'

/** Values that are counts, not ratios: shown as whole numbers (plurals need the number itself). */
const COUNTS = new Set(['n', 'txns', 'dropped'])

/**
 * Duplex beside what a user would pick instead, one sentence per row, from the committed run. A
 * list rather than a table: three wordy columns do not fit a phone.
 */
export function PeerResults({ run }: { run: BenchRun }) {
  const t = useTranslations('compare.peers')
  const format = useFormatter()
  const rows = peerRows(run)
  if (rows.length === 0) return null
  const values = (row: PeerRow) =>
    Object.fromEntries(
      Object.entries(row.values).map(([name, x]) => [
        name,
        COUNTS.has(name)
          ? name === 'dropped'
            ? x
            : format.number(x)
          : format.number(x, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
      ]),
    )
  return (
    <section
      aria-labelledby="committed-peers-title"
      className="rounded-lg border border-slate-200 dark:border-slate-800"
    >
      <h3 id="committed-peers-title" className="px-3 py-2 text-sm font-medium">
        {t('title')}
      </h3>
      <ul
        className="divide-y divide-slate-200 border-t border-slate-200 text-sm dark:divide-slate-800 dark:border-slate-800"
        data-testid="committed-peers"
      >
        {rows.map((r) => (
          <li key={r.id} className="grid gap-1 px-3 py-2 md:grid-cols-[16rem_14rem_1fr] md:gap-4">
            <span className="font-medium">{t(`${r.id}.peer`, values(r))}</span>
            <span className="tabular-nums">{t(`${r.id}.figures`, values(r))}</span>
            <span className="text-slate-600 dark:text-slate-300">
              {/* The sentence that fits these figures; its key comes from peerRows. */}
              {t(`${r.id}.meaning.${r.meaning}` as Parameters<typeof t>[0])}
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}
