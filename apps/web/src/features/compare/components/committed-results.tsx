import { useFormatter, useTranslations } from 'next-intl'
import type { BenchRun } from '@/features/compare/server/bench-results'
import { basisWords, stackKey } from '../lib/bench-words'
import { STACKED } from '../lib/stacked-table'
import { PeerResults } from './peer-results'
import { PhoneDisclosure } from './phone-disclosure'
import { TableHead } from './table-head'

const COLORS: Record<string, string> = {
  'B2 raw SSE': '#94a3b8',
  'Next SSE route': '#0ea5e9',
  'B1 raw ws': '#a3a3a3',
  'Socket.IO room': '#8b5cf6',
  'B1 raw ws (Yjs-sized binary)': '#d4d4d4',
  'Yjs relay': '#f59e0b',
}

/** Words for the committed run's stack names and goal bases, in the reader's language. */
export function useBenchWords() {
  const t = useTranslations('compare')
  return {
    stack: (stack: string) => {
      const key = stackKey(stack)
      return key ? t(`stacks.${key}` as Parameters<typeof t>[0]) : stack
    },
    basis: (basis: string) => {
      const words = basisWords(basis)
      return words ? t(`basis.${words.key}` as Parameters<typeof t>[0], words.values) : basis
    },
  }
}

/** The last committed `pnpm bench` run: its machine, goals, a bar chart and the fan-out table. */
export function CommittedResults({ run, file }: { run: BenchRun; file: string }) {
  const t = useTranslations('compare.committed')
  const format = useFormatter()
  const words = useBenchWords()
  const int = (x: number) => format.number(Math.round(x))
  const ms = (x: number) => {
    const digits = x >= 100 ? 0 : x >= 10 ? 1 : 2
    return format.number(x, { minimumFractionDigits: digits, maximumFractionDigits: digits })
  }
  const open = run.fanout.filter((r) => r.phase === 'open')
  const max = Math.max(1, ...open.map((r) => r.deliveriesPerS))
  const ns = [...new Set(open.map((r) => r.subscribers))].sort((a, b) => a - b)
  const gb = format.number(run.machine.memoryBytes / 1024 ** 3, { maximumFractionDigits: 0 })
  const cell = `px-3 py-2 ${STACKED.cell}`
  const goalColumns = {
    basis: t('columns.basis'),
    value: t('columns.value'),
    target: t('columns.target'),
    result: t('columns.result'),
  }
  const fanoutColumns = {
    n: t('columns.n'),
    phase: t('columns.phase'),
    deliveries: t('columns.deliveries'),
    p50: t('columns.p50'),
    p99: t('columns.p99'),
    missing: t('columns.missing'),
    dup: t('columns.dup'),
  }
  return (
    <section aria-labelledby="committed-title" className="grid gap-4">
      <div>
        <h2 id="committed-title" className="text-lg font-semibold">
          {t('title')}
        </h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
          {t.rich('machine', {
            code: (chunks) => <code>{chunks}</code>,
            mode: run.mode,
            cpu: run.machine.cpuModel,
            cores: run.machine.cores,
            gb,
            node: run.machine.node,
            commit: run.commit,
            date: format.dateTime(new Date(run.startedAt), {
              dateStyle: 'medium',
              timeStyle: 'short',
              hourCycle: 'h23',
              timeZone: 'UTC',
            }),
            file,
          })}
        </p>
      </div>

      <PhoneDisclosure show={t('show')} hide={t('hide')} className="grid gap-4">
        <PeerResults run={run} />

        <figure className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
          <figcaption className="mb-3 text-sm font-medium text-slate-700 dark:text-slate-300">
            {t('fanoutCaption')}
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
                        className="grid grid-cols-[8rem_1fr] items-center gap-2 text-xs sm:grid-cols-[12rem_1fr]"
                      >
                        <span className="truncate text-slate-700 dark:text-slate-300">
                          {words.stack(r.stack)}
                        </span>
                        <span className="flex items-center gap-2">
                          <span
                            className="h-3 rounded-sm"
                            style={{
                              width: `${Math.max(0.5, (r.deliveriesPerS / max) * 100)}%`,
                              background: COLORS[r.stack] ?? '#64748b',
                            }}
                          />
                          <span className="text-slate-700 tabular-nums dark:text-slate-300">
                            {t('perSecond', { rate: int(r.deliveriesPerS) })}
                            {r.loadBound ? ' ⚠' : ''}
                          </span>
                        </span>
                      </li>
                    ))}
                </ul>
              </div>
            ))}
          </div>
          <p className="mt-3 text-xs text-slate-500 dark:text-slate-400">{t('loadBound')}</p>
        </figure>

        <div className="scroll-hint overflow-x-auto rounded-lg border border-slate-200 max-sm:overflow-visible dark:border-slate-800">
          <table
            className={`w-full text-left text-sm ${STACKED.table}`}
            data-testid="committed-goals"
          >
            <caption className="px-3 py-2 text-left text-sm font-medium max-sm:block">
              {t('goalsCaption')}
            </caption>
            <TableHead
              className={STACKED.head}
              columns={[
                { label: t('columns.goal') },
                { label: goalColumns.basis },
                { label: goalColumns.value, numeric: true },
                { label: goalColumns.target, numeric: true },
                { label: goalColumns.result },
              ]}
            />
            <tbody className={`divide-y divide-slate-200 dark:divide-slate-800 ${STACKED.body}`}>
              {run.goals.map((g) => (
                <tr key={`${g.id}-${g.basis}`} className={STACKED.row}>
                  <td className={`px-3 py-2 ${STACKED.wide} max-sm:font-medium`}>
                    <GoalName id={g.id} text={g.text} />
                  </td>
                  <td
                    data-label={goalColumns.basis}
                    className={`${cell} text-slate-600 max-sm:col-span-2 dark:text-slate-300`}
                  >
                    {words.basis(g.basis)}
                  </td>
                  <td data-label={goalColumns.value} className={`${cell} text-right tabular-nums`}>
                    {format.number(g.value)}
                  </td>
                  <td data-label={goalColumns.target} className={`${cell} text-right tabular-nums`}>
                    {g.kind === 'min' ? '≥' : '≤'} {format.number(g.target)}
                  </td>
                  <td data-label={goalColumns.result} className={cell}>
                    <span
                      className={`rounded px-1.5 py-0.5 text-xs font-semibold ${
                        g.pass
                          ? 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200'
                          : 'bg-rose-100 text-rose-900 dark:bg-rose-950 dark:text-rose-200'
                      }`}
                    >
                      {g.pass ? t('met') : t('missed')}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>

        <div className="scroll-hint overflow-x-auto rounded-lg border border-slate-200 max-sm:overflow-visible dark:border-slate-800">
          <table className={`w-full text-left text-sm ${STACKED.table}`}>
            <caption className="px-3 py-2 text-left text-sm font-medium max-sm:block">
              {t('fanoutTableCaption')}
            </caption>
            <TableHead
              className={STACKED.head}
              columns={[
                { label: t('columns.stack') },
                { label: fanoutColumns.n, numeric: true },
                { label: fanoutColumns.phase },
                { label: fanoutColumns.deliveries, numeric: true },
                { label: fanoutColumns.p50, numeric: true },
                { label: fanoutColumns.p99, numeric: true },
                { label: fanoutColumns.missing, numeric: true },
                { label: fanoutColumns.dup, numeric: true },
              ]}
            />
            <tbody className={`divide-y divide-slate-200 dark:divide-slate-800 ${STACKED.body}`}>
              {run.fanout.map((r) => (
                <tr key={`${r.stack}-${r.subscribers}-${r.phase}`} className={STACKED.row}>
                  <td className={`px-3 py-2 whitespace-nowrap ${STACKED.wide} max-sm:font-medium`}>
                    {words.stack(r.stack)}
                  </td>
                  <td data-label={fanoutColumns.n} className={`${cell} text-right tabular-nums`}>
                    {int(r.subscribers)}
                  </td>
                  <td data-label={fanoutColumns.phase} className={cell}>
                    {r.phase === 'open' ? t('openEnded') : t('fixedRate', { rate: r.rate ?? 0 })}
                  </td>
                  <td
                    data-label={fanoutColumns.deliveries}
                    className={`${cell} text-right tabular-nums`}
                  >
                    {int(r.deliveriesPerS)}
                  </td>
                  <td data-label={fanoutColumns.p50} className={`${cell} text-right tabular-nums`}>
                    {ms(r.latency.p50Ms)}
                  </td>
                  <td data-label={fanoutColumns.p99} className={`${cell} text-right tabular-nums`}>
                    {ms(r.latency.p99Ms)}
                  </td>
                  <td
                    data-label={fanoutColumns.missing}
                    className={`${cell} text-right tabular-nums`}
                  >
                    {int(r.missing)}
                  </td>
                  <td data-label={fanoutColumns.dup} className={`${cell} text-right tabular-nums`}>
                    {int(r.duplicates)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </PhoneDisclosure>
    </section>
  )
}

/** A goal's name from the messages by its id; a goal they do not know shows the run's own words. */
function GoalName({ id, text }: { id: string; text: string }) {
  const t = useTranslations('compare.summary.goals')
  return t.has(id as Parameters<typeof t>[0]) ? t(id as Parameters<typeof t>[0]) : text
}
