'use client'

import { useTranslations } from 'next-intl'
import { RICH_TAGS } from '@/shared/ui/rich-text'

/**
 * Shown when the realtime server has not answered several attempts in a row, so a page does not
 * sit at "Reconnecting" with no explanation. Under `pnpm start` the web app keeps serving pages
 * when the realtime process has died; this says which half is missing.
 */
export function RealtimeUnreachable({ url }: { url: string | undefined }) {
  const t = useTranslations('session')
  return (
    <div
      role="alert"
      data-testid="realtime-unreachable"
      className="rounded-lg border border-orange-300 bg-orange-50 px-4 py-3 text-sm text-orange-950 dark:border-orange-800 dark:bg-orange-950 dark:text-orange-100"
    >
      <p className="font-semibold">{t('unreachableTitle')}</p>
      <p className="mt-1">
        {url
          ? t.rich('unreachableBodyAt', { ...RICH_TAGS, url })
          : t.rich('unreachableBody', RICH_TAGS)}
      </p>
    </div>
  )
}
