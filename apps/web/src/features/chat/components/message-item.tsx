'use client'

import type { ChatMessage } from '@duplex/protocol/chat'
import { useFormatter, useTranslations } from 'next-intl'
import type { ReactNode } from 'react'
import { UserAvatar } from '@/shared/ui/session/user-avatar'
import type { OutgoingMessage } from '../lib/chat-state'
import { useChatTime } from '../lib/use-chat-time'

/** Refusals with words of their own, for "Not sent: …". */
const REASONS = [
  'rate_limited',
  'too_large',
  'not_in_room',
  'invalid',
  'timeout',
  'unavailable',
] as const
type Reason = (typeof REASONS)[number]
const hasWords = (code: string): code is Reason => (REASONS as readonly string[]).includes(code)

/**
 * One message. Its text is rendered as a text node, never as HTML, so `<img onerror=…>` shows up
 * as those characters. A stored message shows its server id and time; an outgoing one shows
 * whether it is waiting, on its way, or failed (with a retry that reuses its `clientId`).
 */
export function MessageItem({
  mine,
  userId,
  userName,
  text,
  stored,
  outgoing,
  seenBy,
  onRetry,
  onDiscard,
}: {
  mine: boolean
  userId: string
  userName: string
  text: string
  stored?: ChatMessage
  outgoing?: OutgoingMessage
  seenBy?: string[]
  onRetry?: () => void
  onDiscard?: () => void
}) {
  const t = useTranslations('chat.status')
  const tm = useTranslations('chat.message')
  const tn = useTranslations('chat.notice')
  const format = useFormatter()
  const time = useChatTime()
  const status = stored ? 'sent' : (outgoing?.status ?? 'queued')
  const failed = outgoing?.status === 'failed'
  return (
    <li
      data-testid="message"
      data-status={status}
      data-mine={mine || undefined}
      data-id={stored?.id}
      data-client-id={stored?.clientId ?? outgoing?.clientId}
      className={`flex items-end gap-2 ${mine ? 'flex-row-reverse' : ''}`}
    >
      <UserAvatar userId={userId} name={userName} />
      <div
        className={`flex max-w-[85%] min-w-0 flex-col sm:max-w-[75%] ${mine ? 'items-end' : 'items-start'}`}
      >
        <div className="mb-0.5 flex items-baseline gap-2 px-1 text-xs text-slate-500 dark:text-slate-400">
          <bdi
            className="font-semibold text-slate-700 dark:text-slate-200"
            data-testid="message-author"
          >
            {mine ? tm('you') : userName}
          </bdi>
          {stored && (
            <>
              <time dateTime={new Date(stored.ts).toISOString()} title={time.full(stored.ts)}>
                {time.clock(stored.ts)}
              </time>
              <span className="font-mono" title={tm('seqTitle')} data-testid="message-seq">
                #{stored.seq}
              </span>
            </>
          )}
        </div>
        <p
          data-testid="message-text"
          dir="auto"
          className={`rounded-2xl px-3 py-2 text-sm whitespace-pre-wrap [overflow-wrap:anywhere] ${
            mine
              ? 'rounded-br-sm bg-ws-600 text-white'
              : 'rounded-bl-sm bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-slate-100'
          } ${status === 'queued' || status === 'sending' || status === 'waiting' ? 'opacity-70' : ''} ${
            failed ? 'ring-2 ring-red-500' : ''
          }`}
        >
          {text}
        </p>
        {mine && (
          <div className="mt-0.5 flex items-center gap-2 px-1 text-xs" data-testid="message-status">
            {status === 'queued' && (
              <span className="text-slate-500 dark:text-slate-400">{t('queued')}</span>
            )}
            {status === 'sending' && (
              <span className="text-slate-500 dark:text-slate-400">{t('sending')}</span>
            )}
            {status === 'waiting' && (
              <span className="text-amber-700 dark:text-amber-300" title={outgoing?.error?.message}>
                {t('waiting')}
              </span>
            )}
            {status === 'sent' && !seenBy?.length && (
              <span className="text-slate-500 dark:text-slate-400">{t('sent')}</span>
            )}
            {failed && (
              <>
                <span className="text-red-700 dark:text-red-300">
                  {t('failed', {
                    reason:
                      outgoing?.error && hasWords(outgoing.error.code)
                        ? tn(outgoing.error.code)
                        : tm('unknownError'),
                  })}
                </span>
                <button
                  type="button"
                  onClick={onRetry}
                  className="rounded px-1.5 py-0.5 font-semibold text-ws-700 ring-1 ring-ws-500/40 hover:bg-ws-50 dark:text-ws-100 dark:hover:bg-ws-700/30"
                >
                  {t('retry')}
                </button>
                <button
                  type="button"
                  onClick={onDiscard}
                  className="rounded px-1.5 py-0.5 text-slate-600 hover:underline dark:text-slate-300"
                >
                  {t('discard')}
                </button>
              </>
            )}
          </div>
        )}
        {seenBy && seenBy.length > 0 && (
          <p
            className="mt-0.5 px-1 text-xs text-slate-500 dark:text-slate-400"
            data-testid="seen-by"
          >
            {tm.rich('seenBy', { names: () => describeReaders(seenBy, format, tm) })}
          </p>
        )}
      </div>
    </li>
  )
}

/**
 * "Ada", "Ada and Bob", "Ada, Bob and Chen", "Ada, Bob, Chen and 4 others" (in the page's language,
 * through `Intl.ListFormat`): a busy room must not turn one receipt line into a paragraph.
 */
function describeReaders(
  names: string[],
  format: ReturnType<typeof useFormatter>,
  tm: ReturnType<typeof useTranslations<'chat.message'>>,
): ReactNode {
  // Each name isolated, so a right-to-left one does not reorder the commas around it.
  const shown = names.slice(0, 3).map((name, i) => <bdi key={`${i}:${name}`}>{name}</bdi>)
  if (names.length > 3) {
    shown.push(<span key="others">{tm('others', { count: names.length - 3 })}</span>)
  }
  return format.list(shown, { type: 'conjunction' })
}
