import type { Metadata } from 'next'
import { useTranslations } from 'next-intl'
import { getTranslations } from 'next-intl/server'
import { RealtimeBoundary } from '@/shared/ui/session/realtime-boundary'
import { TransportTag } from '@/shared/ui/transport-tag'
import { latestBenchRun } from '@/features/compare/server/bench-results'
import { CommittedResults } from './committed-results'
import { CommittedSummary } from './committed-summary'
import { LiveCompare } from './live-compare'

export async function compareMetadata(): Promise<Metadata> {
  const t = await getTranslations('compare.page')
  return { title: t('metaTitle') }
}

export function ComparePage() {
  const t = useTranslations('compare.page')
  const tCompare = useTranslations('compare')
  const latest = latestBenchRun()
  return (
    <>
      <div className="mb-6">
        <div className="mb-2 flex items-center gap-2">
          <TransportTag transport="sse" />
          <TransportTag transport="ws" />
        </div>
        <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">{t('title')}</h1>
        <p className="mt-2 max-w-3xl text-slate-600 dark:text-slate-300">
          {t.rich('lede', { code: (chunks) => <code>{chunks}</code> })}
        </p>
      </div>
      <div className="grid gap-10">
        {latest.ok && <CommittedSummary run={latest.run} />}
        <RealtimeBoundary>
          <LiveCompare />
        </RealtimeBoundary>
        {latest.ok ? (
          <CommittedResults run={latest.run} file={latest.file} />
        ) : (
          <p className="rounded-lg border border-slate-200 p-4 text-sm dark:border-slate-800">
            {tCompare.rich(`unavailable.${latest.reason}`, {
              code: (chunks) => <code>{chunks}</code>,
              file: latest.reason === 'shape' ? latest.file : '',
            })}
          </p>
        )}
      </div>
    </>
  )
}
