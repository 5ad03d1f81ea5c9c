import type { Metadata } from 'next'
import { useTranslations } from 'next-intl'
import { getTranslations } from 'next-intl/server'
import { DemoHeader } from '@/shared/ui/demo-header'
import { TickerDashboard } from './ticker-dashboard'

export async function tickerMetadata(): Promise<Metadata> {
  const t = await getTranslations('ticker.page')
  return { title: t('metaTitle') }
}

export function TickerPage() {
  const t = useTranslations('ticker.page')
  return (
    <>
      <DemoHeader
        transport="sse"
        title={t('title')}
        lede={t('lede')}
        why={[t('why.oneWay'), t('why.post'), t('why.resume')]}
      />
      <TickerDashboard />
    </>
  )
}
