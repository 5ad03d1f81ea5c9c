'use client'

import { useTranslations } from 'next-intl'
import type { OriginRefusal } from '@/shared/hooks/use-origin-refusal'
import { RICH_TAGS } from '@/shared/ui/rich-text'

/**
 * Shown instead of "unreachable" when the realtime server answers but refuses this page's
 * origin: says which address was refused and which setting lets it in.
 */
export function OriginRefused({ refusal }: { refusal: OriginRefusal }) {
  const t = useTranslations('originRefused')
  const values = {
    ...RICH_TAGS,
    origin: refusal.origin,
    realtime: refusal.realtimeUrl,
    setting: refusal.setting,
  }
  return (
    <div
      role="alert"
      data-testid="origin-refused"
      className="rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    >
      <p className="font-semibold">{t('title')}</p>
      <p className="mt-1">{t.rich('body', values)}</p>
      <p className="mt-1">{t.rich('fix', values)}</p>
    </div>
  )
}
