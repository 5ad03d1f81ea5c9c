'use client'

import { useTranslations } from 'next-intl'
import type { ReactNode } from 'react'
import { useFormatTime } from '@/shared/hooks/use-format-time'
import { splitWireText, type WireLog } from '@/shared/lib/wire-log'

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(2)} MiB`
}

/** A frame's text, left to right, with each JSON string of right-to-left text isolated in `<bdi>`. */
function FrameText({ text }: { text: string }) {
  const parts = splitWireText(text)
  if (parts.length === 1 && !parts[0]?.isolate) return text
  return parts.map((part, i) => (part.isolate ? <bdi key={i}>{part.text}</bdi> : part.text))
}

/**
 * The raw frames of a connection as they cross, newest first, with counts per kind.
 * People come to Duplex to see what each transport really sends; this is where they look.
 *
 * The panel has the same size whatever arrives: the log is a fixed-height scroll box with
 * `contain: strict` (its content cannot resize or move anything outside it), it keeps at most
 * `log.cap` frames in the page and says how many older ones it dropped, and the counts row
 * scrolls sideways instead of wrapping onto a new line.
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
  const formatTime = useFormatTime()
  const kinds = Object.entries(log.counts).sort(([a], [b]) => a.localeCompare(b))
  const total = Object.values(log.counts).reduce((a, b) => a + b, 0)
  return (
    <section
      aria-labelledby="wire-title"
      data-testid="wire-panel"
      className="flex min-h-0 flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex h-12 shrink-0 items-center gap-2 border-b border-slate-200 px-4 dark:border-slate-800">
        <h2 id="wire-title" className="shrink-0 text-sm font-semibold">
          {title ?? t('title')}
        </h2>
        <span
          className="min-w-0 truncate text-xs text-slate-500 tabular-nums dark:text-slate-400"
          data-testid="wire-total"
        >
          {t('total', { count: total, bytes: formatBytes(log.totalBytes) })}
        </span>
        <div className="ml-auto flex shrink-0 gap-1">
          <button
            type="button"
            onClick={() => log.setPaused(!log.paused)}
            aria-pressed={log.paused}
            className="rounded px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
          >
            {log.paused ? t('resume') : t('pause')}
          </button>
          <button
            type="button"
            onClick={log.clear}
            className="rounded px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
          >
            {t('clear')}
          </button>
        </div>
      </div>
      {description && (
        <p className="border-b border-slate-200 px-4 py-2 text-xs text-slate-600 dark:border-slate-800 dark:text-slate-400">
          {description}
        </p>
      )}
      {/* One line high, always: a new kind of frame scrolls it sideways, never adds a line. */}
      <ul
        aria-label={t('counts')}
        // It scrolls sideways when the kinds outgrow one line: keyboard users scroll it too.
        tabIndex={0}
        className="flex h-[2.375rem] shrink-0 items-center gap-1.5 overflow-x-auto border-b border-slate-200 px-4 [scrollbar-width:thin] dark:border-slate-800"
      >
        {kinds.map(([kind, count]) => (
          <li
            key={kind}
            // Event names are the wire's own words, the same in every language.
            translate="no"
            className="shrink-0 rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] whitespace-nowrap text-slate-700 dark:bg-slate-800 dark:text-slate-300"
          >
            {kind}{' '}
            <span className="font-semibold" data-testid={`wire-count-${kind}`}>
              {count}
            </span>
          </li>
        ))}
      </ul>
      <ol
        data-testid="wire-log"
        aria-label={t('frames')}
        dir="ltr"
        className="h-80 shrink-0 overflow-y-auto font-mono text-[11px] leading-relaxed [contain:strict] lg:h-[32rem]"
        tabIndex={0}
      >
        {log.entries.length === 0 && (
          <li className="px-4 py-6 text-center font-sans text-sm text-slate-500 dark:text-slate-400">
            {t('waiting')}
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
                {entry.direction === 'in' ? t('in') : t('out')}
              </span>
              <time dateTime={new Date(entry.at).toISOString()}>
                {formatTime(entry.at, { milliseconds: true })}
              </time>
              <span>{entry.bytes} B</span>
              {entry.connection !== undefined && (
                <span>{t('connection', { id: entry.connection })}</span>
              )}
            </div>
            <pre className="break-all whitespace-pre-wrap text-slate-800 dark:text-slate-200">
              <FrameText text={entry.text} />
            </pre>
          </li>
        ))}
      </ol>
      <p
        data-testid="wire-dropped"
        data-dropped={log.dropped}
        className="h-8 shrink-0 truncate border-t border-slate-200 px-4 py-1.5 text-xs text-slate-500 tabular-nums dark:border-slate-800 dark:text-slate-400"
      >
        {log.dropped > 0
          ? t('dropped', { count: log.dropped, cap: log.cap })
          : t('keeps', { cap: log.cap })}
      </p>
    </section>
  )
}
