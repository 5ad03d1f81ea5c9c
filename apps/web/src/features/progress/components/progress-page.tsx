import type { Metadata } from 'next'
import { useTranslations } from 'next-intl'
import { getTranslations } from 'next-intl/server'
import { DemoHeader } from '@/shared/ui/demo-header'
import { JobBoard } from './job-board'

export async function progressMetadata(): Promise<Metadata> {
  const t = await getTranslations('progress.page')
  return { title: t('metaTitle') }
}

export function ProgressPage() {
  const t = useTranslations('progress.page')
  return (
    <>
      <DemoHeader
        transport="sse"
        title={t('title')}
        lede={t('lede')}
        why={[t('why.oneWay'), t('why.http'), t('why.stop')]}
      />
      <JobBoard />
    </>
  )
}
