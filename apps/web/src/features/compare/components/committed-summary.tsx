import { useMessages, useTranslations } from 'next-intl'
import type { BenchRun } from '@/features/compare/server/bench-results'
import { useBenchWords } from './committed-results'
import { PhoneDisclosure } from './phone-disclosure'

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

/**
 * The committed run in ten seconds: what was compared, where, and what the missed goals mean.
 * Each goal's name and the sentence on why it was missed are looked up by goal id (bench/src) in
 * the messages, so both languages say them; a goal the messages do not know yet (a new one in a
 * newer run) shows the run's own English name and points at the table.
 */
export function CommittedSummary({ run }: { run: BenchRun }) {
  const t = useTranslations('compare.summary')
  const words = useBenchWords()
  const summary = useMessages().compare.summary
  const names: Record<string, string> = summary.goals
  const reasons: Record<string, string> = summary.missed
  const goals = groupGoals(run.goals).map((goal) => ({
    ...goal,
    text: names[goal.id] ?? goal.text,
  }))
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
        {t('title')}
      </h2>
      <p className="mt-2 text-slate-700 dark:text-slate-300">
        {t.rich('compared', {
          strong: (chunks) => <strong>{chunks}</strong>,
          stacks: stacks.map(words.stack).join(t('separator')),
          cores: run.machine.cores,
          cpu: run.machine.cpuModel,
        })}
      </p>
      <p className="mt-2 font-medium" data-testid="summary-score">
        {t('score', { met: met.length, total: goals.length })}{' '}
        <span className="font-normal text-slate-600 dark:text-slate-400">{t('scoreNote')}</span>
      </p>
      <div className="mt-3 grid gap-3">
        <PhoneDisclosure show={t('show', { count: missed.length })} hide={t('hide')}>
          {missed.length > 0 && (
            <ul className="grid gap-2" aria-label={t('missedList')}>
              {missed.map((goal) => (
                <li
                  key={goal.id}
                  data-goal={goal.id}
                  className="rounded-lg border-l-4 border-amber-400 bg-amber-50/60 px-3 py-2 dark:border-amber-600 dark:bg-amber-950/30"
                >
                  <p className="font-medium text-slate-900 dark:text-slate-100">
                    {goal.text}{' '}
                    <span className="font-normal text-slate-500 dark:text-slate-400">
                      {t('missedAt', {
                        bases: goal.bases.map(words.basis).join(t('basesSeparator')),
                      })}
                    </span>
                  </p>
                  <p className="mt-0.5 text-slate-700 dark:text-slate-300">
                    {reasons[goal.id] ?? t('noExplanation')}
                  </p>
                </li>
              ))}
            </ul>
          )}
          {met.length > 0 && (
            <p className="mt-3 text-slate-600 dark:text-slate-400">
              <strong className="text-emerald-700 dark:text-emerald-400">{t('met')}</strong>{' '}
              {met.map((g) => g.text).join(' · ')}
            </p>
          )}
        </PhoneDisclosure>
      </div>
    </section>
  )
}
