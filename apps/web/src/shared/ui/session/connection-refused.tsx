'use client'

import { useTranslations } from 'next-intl'
import { useState } from 'react'
import { useSession } from '@/shared/hooks/use-session'

/**
 * Shown when the realtime server refused the handshake. The reason is the server's own
 * (`unauthorized: token expired`); the button asks the web app whether the session is still
 * good, and either retries or brings back the sign-in form.
 */
export function ConnectionRefused({ reason, onRetry }: { reason: string; onRetry: () => void }) {
  const { refresh } = useSession()
  const t = useTranslations('session')
  const [checking, setChecking] = useState(false)
  return (
    <div
      role="alert"
      data-testid="connection-refused"
      className="rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    >
      <p className="font-semibold">{t('refusedTitle')}</p>
      <p className="mt-1">
        {t('refusedReason')} <code className="font-mono">{reason}</code>
      </p>
      <button
        type="button"
        disabled={checking}
        onClick={async () => {
          setChecking(true)
          const session = await refresh()
          setChecking(false)
          if (session) onRetry()
        }}
        className="mt-2 rounded-md bg-red-700 px-3 py-1.5 text-xs font-semibold text-white hover:bg-red-800 disabled:opacity-60"
      >
        {checking ? t('checking') : t('checkAndRetry')}
      </button>
    </div>
  )
}
