'use client'

import { useTranslations } from 'next-intl'
import { useOnline } from '@/shared/hooks/use-online'
import { RICH_TAGS } from '@/shared/ui/rich-text'

/**
 * Shown when the realtime server has not answered several attempts in a row, so a page does not
 * sit at "Reconnecting" with no explanation. Under `pnpm start` the web app keeps serving pages
 * when the realtime process has died; this says which half is missing. With no network at all
 * (the browser is offline) it says that instead: the server was never asked.
 */
export function RealtimeUnreachable({ url }: { url: string | undefined }) {
  const t = useTranslations('session')
  const offline = !useOnline()
  const c = useTranslations('connection')
  if (offline) {
    return (
      <div
        role="alert"
        data-testid="device-offline"
        className="rounded-lg border border-slate-300 bg-slate-50 px-4 py-3 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      >
        <p className="font-semibold">{c('offlineTitle')}</p>
        <p className="mt-1">{c('offlineBody')}</p>
      </div>
    )
  }
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
