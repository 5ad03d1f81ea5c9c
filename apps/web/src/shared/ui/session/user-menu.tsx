'use client'

import { useSession } from '@/shared/hooks/use-session'
import { UserAvatar } from './user-avatar'

/** Who is signed in, with a way out. */
export function UserMenu() {
  const { session, signOut } = useSession()
  if (!session) return null
  return (
    <div className="flex items-center gap-2 text-sm" data-testid="user-menu">
      <UserAvatar userId={session.user.id} name={session.user.name} size="sm" />
      <span className="max-w-40 truncate font-medium" title={session.user.name}>
        {session.user.name}
      </span>
      <button
        type="button"
        onClick={() => void signOut()}
        className="rounded-md px-2 py-1 text-xs font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-100 dark:text-slate-200 dark:ring-slate-700 dark:hover:bg-slate-800"
      >
        Sign out
      </button>
    </div>
  )
}
