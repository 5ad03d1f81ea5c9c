'use client'

import { useTranslations } from 'next-intl'
import { useRouter } from 'next/navigation'

/**
 * Shown instead of a realtime page when the server could not check the session (a store is
 * down): not a sign-in form, since the session may well be fine. Trying again renders the page
 * anew, which checks again.
 */
export function SessionUnavailable({ detail }: { detail: string }) {
  const t = useTranslations('session')
  const router = useRouter()
  return (
    <div
      role="alert"
      data-testid="session-unavailable"
      className="mx-auto w-full max-w-md rounded-xl border border-orange-300 bg-orange-50 p-6 text-sm text-orange-950 dark:border-orange-800 dark:bg-orange-950 dark:text-orange-100"
    >
      <p className="font-semibold">{t('unavailableTitle')}</p>
      <p className="mt-1">{t('unavailableBody')}</p>
      <p className="mt-1 font-mono text-xs opacity-80">{detail}</p>
      <button
        type="button"
        onClick={() => router.refresh()}
        className="mt-3 rounded-md bg-orange-700 px-3 py-1.5 text-xs font-semibold text-white hover:bg-orange-800"
      >
        {t('tryAgain')}
      </button>
    </div>
  )
}
