'use client'

import { useTranslations } from 'next-intl'
import { useEffect, useState } from 'react'
import { useSession } from '@/shared/hooks/use-session'
import type { SessionEnd } from '@/shared/lib/realtime-connection'

/**
 * Shown instead of a reconnect loop when the realtime server closed the connection because the
 * session ended: signed out (in any tab, on any instance) or expired. "Sign in again" asks the web
 * app who is signed in: the sign-in form comes back, or, when the visitor already signed in again
 * in another tab, the connection is opened with the new session. While it shows, the user menu
 * names nobody.
 */
export function SessionEnded({ why, onRetry }: { why: SessionEnd; onRetry: () => void }) {
  const t = useTranslations('session')
  const { refresh, markEnded } = useSession()
  // The user menu stops naming someone whose session is over.
  useEffect(() => markEnded(), [markEnded])
  const [checking, setChecking] = useState(false)
  const signedOut = why === 'signed_out'
  return (
    <div
      role="alert"
      data-testid="session-ended"
      data-reason={why}
      className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
    >
      <p className="font-semibold">{signedOut ? t('signedOutTitle') : t('expiredTitle')}</p>
      <p className="mt-1">{signedOut ? t('signedOutBody') : t('expiredBody')}</p>
      <button
        type="button"
        disabled={checking}
        onClick={async () => {
          setChecking(true)
          const session = await refresh()
          setChecking(false)
          if (session) onRetry()
        }}
        className="mt-2 rounded-md bg-amber-700 px-3 py-1.5 text-xs font-semibold text-white hover:bg-amber-800 disabled:opacity-60"
      >
        {checking ? t('checking') : t('signInAgain')}
      </button>
    </div>
  )
}
