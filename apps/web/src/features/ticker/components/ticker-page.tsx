import type { Metadata } from 'next'
import { useTranslations } from 'next-intl'
import { getTranslations } from 'next-intl/server'
import { DemoHeader } from '@/shared/ui/demo-header'
import { RealtimeBoundary } from '@/shared/ui/session/realtime-boundary'
import { SessionGate } from '@/shared/ui/session/session-gate'
import { TickerDashboard } from './ticker-dashboard'

export async function tickerMetadata(): Promise<Metadata> {
  const t = await getTranslations('ticker.page')
  return { title: t('metaTitle') }
}

export function TickerPage() {
  const t = useTranslations('ticker.page')
  const tTicker = useTranslations('ticker')
  return (
    <>
      <DemoHeader
        transport="sse"
        title={t('title')}
        lede={t('lede')}
        why={[t('why.oneWay'), t('why.post'), t('why.resume')]}
      />
      {/* Streams and jobs belong to a user: the same sign-in as chat, the same httpOnly cookie. */}
      <RealtimeBoundary>
        <SessionGate purpose={tTicker('signInPurpose')}>
          <TickerDashboard />
        </SessionGate>
      </RealtimeBoundary>
    </>
  )
}
