'use client'

import type { Member } from '@duplex/protocol/chat'
import { useTranslations } from 'next-intl'
import { UserAvatar } from '@/shared/ui/session/user-avatar'

/** Who is in the room right now (per user, however many tabs they have open). */
export function PresencePanel({
  members,
  selfId,
  connected,
}: {
  members: Member[]
  selfId: string | undefined
  /** Without a connection nobody's presence is known, this tab's own included. */
  connected: boolean
}) {
  const t = useTranslations('chat.presence')
  const shown = connected ? members : []
  return (
    <section
      aria-labelledby="presence-title"
      className="rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex items-center justify-between border-b border-slate-200 px-4 py-3 dark:border-slate-800">
        <h2 id="presence-title" className="text-sm font-semibold">
          {t('title')}
        </h2>
        <span className="text-xs text-slate-500 dark:text-slate-400" data-testid="presence-count">
          {connected ? t('count', { count: members.length }) : t('offline')}
        </span>
      </div>
      <ul
        aria-label={t('list')}
        data-testid="presence-list"
        className="max-h-48 space-y-1 overflow-y-auto px-2 py-2"
      >
        {!connected && (
          <li className="px-2 py-1 text-sm text-slate-500 dark:text-slate-400">
            {t('notConnected')}
          </li>
        )}
        {connected && shown.length === 0 && (
          <li className="px-2 py-1 text-sm text-slate-500 dark:text-slate-400">{t('nobody')}</li>
        )}
        {shown.map((member) => (
          <li key={member.userId} className="flex items-center gap-2 rounded-md px-2 py-1 text-sm">
            <UserAvatar userId={member.userId} name={member.userName} size="sm" />
            <span className="min-w-0 flex-1 truncate" dir="auto">
              {member.userName}
            </span>
            {member.userId === selfId && (
              <span className="text-xs text-slate-500 dark:text-slate-400">{t('you')}</span>
            )}
            <span aria-hidden className="size-2 rounded-full bg-emerald-500" />
          </li>
        ))}
      </ul>
    </section>
  )
}
