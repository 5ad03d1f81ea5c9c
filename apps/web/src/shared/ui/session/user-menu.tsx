'use client'

import { useTranslations } from 'next-intl'
import { useState } from 'react'
import { useSession } from '@/shared/hooks/use-session'
import { UserAvatar } from './user-avatar'

/** Who is signed in, with a way out (and why not, when the server could not sign them out). */
export function UserMenu() {
  const { session, signOut, ended } = useSession()
  const t = useTranslations('session')
  const [failed, setFailed] = useState<'unavailable' | 'unreachable' | null>(null)
  // Signed out (here, or elsewhere and noticed by a closed connection): name nobody.
  if (!session || ended) return null
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="user-menu">
      <UserAvatar userId={session.user.id} name={session.user.name} size="sm" />
      <bdi className="max-w-40 truncate font-medium" title={session.user.name}>
        {session.user.name}
      </bdi>
      <button
        type="button"
        onClick={async () => {
          setFailed(null)
          const result = await signOut()
          if (!result.ok) setFailed(result.problem)
        }}
        className="rounded-md px-2 py-1 text-xs font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-100 dark:text-slate-200 dark:ring-slate-700 dark:hover:bg-slate-800"
      >
        {t('signOut')}
      </button>
      {failed && (
        <p role="alert" className="basis-full text-xs text-red-700 dark:text-red-300">
          {failed === 'unavailable' ? t('signOutFailed') : t('signOutUnreachable')}
        </p>
      )}
    </div>
  )
}
