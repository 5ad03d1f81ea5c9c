'use client'

import { useTranslations } from 'next-intl'
import type { ReactNode } from 'react'
import type { WireLog } from '@/shared/lib/wire-log'

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(2)} MiB`
}

function formatTime(at: number): string {
  const d = new Date(at)
  return `${d.toLocaleTimeString('en-GB', { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`
}

/**
 * The raw frames of a connection as they cross, newest first, with counts per kind.
 * People come to Duplex to see what each transport really sends; this is where they look.
 */
export function WirePanel({
  log,
  title,
  description,
}: {
  log: WireLog
  title?: string
  description?: ReactNode
}) {
  const t = useTranslations('wirePanel')
  const kinds = Object.entries(log.counts).sort(([a], [b]) => a.localeCompare(b))
  return (
    <section
      aria-labelledby="wire-title"
      className="flex min-h-0 flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
        <h2 id="wire-title" className="text-sm font-semibold">
          {title ?? t('title')}
        </h2>
        <span className="text-xs text-slate-500 dark:text-slate-400" data-testid="wire-total">
          {Object.values(log.counts).reduce((a, b) => a + b, 0)} frames ·{' '}
          {formatBytes(log.totalBytes)}
        </span>
        <div className="ml-auto flex gap-1">
          <button
            type="button"
            onClick={() => log.setPaused(!log.paused)}
            aria-pressed={log.paused}
            className="rounded px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
          >
            {log.paused ? 'Resume' : 'Pause'}
          </button>
          <button
            type="button"
            onClick={log.clear}
            className="rounded px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
          >
            Clear
          </button>
        </div>
      </div>
      {description && (
        <p className="border-b border-slate-200 px-4 py-2 text-xs text-slate-600 dark:border-slate-800 dark:text-slate-400">
          {description}
        </p>
      )}
      {kinds.length > 0 && (
        <ul
          aria-label="Frame counts"
          className="flex flex-wrap gap-1.5 border-b border-slate-200 px-4 py-2 dark:border-slate-800"
        >
          {kinds.map(([kind, count]) => (
            <li
              key={kind}
              className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-700 dark:bg-slate-800 dark:text-slate-300"
            >
              {kind}{' '}
              <span className="font-semibold" data-testid={`wire-count-${kind}`}>
                {count}
              </span>
            </li>
          ))}
        </ul>
      )}
      <ol
        data-testid="wire-log"
        aria-label="Frames, newest first"
        className="h-80 min-h-0 flex-1 overflow-y-auto font-mono text-[11px] leading-relaxed lg:h-auto lg:max-h-[32rem]"
        tabIndex={0}
      >
        {log.entries.length === 0 && (
          <li className="px-4 py-6 text-center font-sans text-sm text-slate-500 dark:text-slate-400">
            Waiting for the first frame…
          </li>
        )}
        {log.entries.map((entry) => (
          <li
            key={entry.key}
            data-kind={entry.kind}
            data-event={entry.event}
            data-id={entry.id}
            data-connection={entry.connection}
            className="border-b border-slate-100 px-4 py-1.5 last:border-0 dark:border-slate-800/70"
          >
            <div className="mb-0.5 flex gap-2 font-sans text-[10px] text-slate-500 dark:text-slate-400">
              <span
                className={
                  entry.direction === 'in'
                    ? 'text-sky-700 dark:text-sky-300'
                    : 'text-fuchsia-700 dark:text-fuchsia-300'
                }
              >
                {entry.direction === 'in' ? '↓ in' : '↑ out'}
              </span>
              <span>{formatTime(entry.at)}</span>
              <span>{entry.bytes} B</span>
              {entry.connection !== undefined && <span>conn #{entry.connection}</span>}
            </div>
            <pre className="break-all whitespace-pre-wrap text-slate-800 dark:text-slate-200">
              {entry.text}
            </pre>
          </li>
        ))}
      </ol>
    </section>
  )
}
