import type { Metadata } from 'next'
import { useTranslations } from 'next-intl'
import { getTranslations } from 'next-intl/server'
import { DemoHeader } from '@/shared/ui/demo-header'
import { RealtimeBoundary } from '@/shared/ui/session/realtime-boundary'
import { SessionGate } from '@/shared/ui/session/session-gate'
import { JobBoard } from './job-board'

export async function progressMetadata(): Promise<Metadata> {
  const t = await getTranslations('progress.page')
  return { title: t('metaTitle') }
}

export function ProgressPage() {
  const t = useTranslations('progress.page')
  const tProgress = useTranslations('progress')
  return (
    <>
      <DemoHeader
        transport="sse"
        title={t('title')}
        lede={t('lede')}
        why={[t('why.oneWay'), t('why.http'), t('why.stop')]}
      />
      {/* Streams and jobs belong to a user: the same sign-in as chat, the same httpOnly cookie. */}
      <RealtimeBoundary>
        <SessionGate purpose={tProgress('signInPurpose')}>
          <JobBoard />
        </SessionGate>
      </RealtimeBoundary>
    </>
  )
}
