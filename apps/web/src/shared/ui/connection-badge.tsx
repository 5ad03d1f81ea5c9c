import type { ConnectionStatus } from '@/shared/lib/connection-status'

const LOOK: Record<ConnectionStatus, { dot: string; text: string; label: string }> = {
  connecting: {
    dot: 'bg-amber-400 animate-pulse',
    text: 'text-amber-800 dark:text-amber-200',
    label: 'Connecting',
  },
  open: { dot: 'bg-emerald-500', text: 'text-emerald-800 dark:text-emerald-200', label: 'Open' },
  reconnecting: {
    dot: 'bg-orange-500 animate-pulse',
    text: 'text-orange-800 dark:text-orange-200',
    label: 'Reconnecting',
  },
  closed: { dot: 'bg-slate-400', text: 'text-slate-700 dark:text-slate-300', label: 'Closed' },
}

/** Connection state as a pill; `data-status` lets tests and screen readers read the raw value. */
export function ConnectionBadge({ status, detail }: { status: ConnectionStatus; detail?: string }) {
  const look = LOOK[status]
  return (
    <span
      role="status"
      data-testid="connection-status"
      data-status={status}
      className={`inline-flex items-center gap-2 rounded-full border border-slate-200 bg-white px-3 py-1 text-sm font-medium dark:border-slate-700 dark:bg-slate-900 ${look.text}`}
    >
      <span aria-hidden className={`size-2 rounded-full ${look.dot}`} />
      {look.label}
      {detail && <span className="font-normal text-slate-500 dark:text-slate-400">· {detail}</span>}
    </span>
  )
}
