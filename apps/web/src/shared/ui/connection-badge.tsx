'use client'

import { useTranslations } from 'next-intl'
import type { ConnectionStatus } from '@/shared/lib/connection-status'
import { useOnline } from '@/shared/hooks/use-online'
import { RetryCountdown } from './retry-countdown'

const LOOK: Record<ConnectionStatus, { dot: string; text: string }> = {
  connecting: { dot: 'bg-amber-400 animate-pulse', text: 'text-amber-800 dark:text-amber-200' },
  open: { dot: 'bg-emerald-500', text: 'text-emerald-800 dark:text-emerald-200' },
  reconnecting: {
    dot: 'bg-orange-500 animate-pulse',
    text: 'text-orange-800 dark:text-orange-200',
  },
  closed: { dot: 'bg-slate-400', text: 'text-slate-700 dark:text-slate-300' },
}

/**
 * Connection state as a pill; `data-status` lets tests and screen readers read the raw value.
 * While the browser has no network at all, a connection that is not open says the device is
 * offline, whatever the page guessed (a server that "is not answering" was never asked). With
 * `retryAt`, the next attempt counts down.
 */
export function ConnectionBadge({
  status,
  detail,
  retryAt,
}: {
  status: ConnectionStatus
  detail?: string | undefined
  retryAt?: number | undefined
}) {
  const t = useTranslations('connection')
  const online = useOnline()
  const look = LOOK[status]
  const offline = !online && status !== 'open'
  const shown = offline ? t('offline') : detail
  return (
    <span
      role="status"
      data-testid="connection-status"
      data-status={status}
      data-offline={offline || undefined}
      className={`inline-flex items-center gap-2 rounded-full border border-slate-200 bg-white px-3 py-1 text-sm font-medium dark:border-slate-700 dark:bg-slate-900 ${look.text}`}
    >
      <span aria-hidden className={`size-2 rounded-full ${look.dot}`} />
      {t(status)}
      {shown && (
        <span
          className="font-normal text-slate-500 dark:text-slate-400"
          data-testid="connection-detail"
        >
          · {shown}
        </span>
      )}
      {!offline && retryAt !== undefined && status !== 'open' && (
        <span className="font-normal text-slate-500 dark:text-slate-400">
          · <RetryCountdown until={retryAt} />
        </span>
      )}
    </span>
  )
}
