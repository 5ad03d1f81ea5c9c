'use client'

import type { ChatMessage, ReadReceipt } from '@duplex/protocol/chat'
import { useTranslations } from 'next-intl'
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react'
import type { OutgoingMessage } from '../lib/chat-state'
import { MessageItem } from './message-item'

/**
 * The room's timeline: stored messages by server id, then this tab's unsent ones. Keeps the
 * reader where they are: new messages scroll into view only when the reader was at the bottom
 * (or sent them), and older pages loaded on scroll-up do not move what is on screen.
 */
export function MessageList({
  selfId,
  selfName,
  loaded,
  messages,
  outbox,
  reads,
  hasMore,
  loadingOlder,
  prepended,
  onLoadOlder,
  onRetry,
  onDiscard,
}: {
  selfId: string | undefined
  /** The signed-in name, for the avatar of this tab's unsent messages. */
  selfName: string
  loaded: boolean
  messages: ChatMessage[]
  outbox: OutgoingMessage[]
  reads: Record<string, ReadReceipt>
  hasMore: boolean
  loadingOlder: boolean
  prepended: number
  onLoadOlder: () => void
  onRetry: (clientId: string) => void
  onDiscard: (clientId: string) => void
}) {
  const t = useTranslations('chat.list')
  const scroller = useRef<HTMLDivElement>(null)
  const sentinel = useRef<HTMLDivElement>(null)
  const atBottom = useRef(true)
  const heightBeforePrepend = useRef<number | null>(null)

  // Who has read up to which message: "Seen by …" goes under that message.
  const seenBy = useMemo(() => {
    const map = new Map<number, string[]>()
    for (const receipt of Object.values(reads)) {
      if (receipt.userId === selfId) continue
      map.set(receipt.messageId, [...(map.get(receipt.messageId) ?? []), receipt.userName])
    }
    return map
  }, [reads, selfId])

  const last = outbox.at(-1) ?? messages.at(-1)
  const lastKey = last ? last.clientId : ''
  const lastIsMine = outbox.length > 0 || messages.at(-1)?.userId === selfId

  const loadOlder = () => {
    if (scroller.current) heightBeforePrepend.current = scroller.current.scrollHeight
    onLoadOlder()
  }

  useLayoutEffect(() => {
    const el = scroller.current
    if (!el || heightBeforePrepend.current === null) return
    el.scrollTop += el.scrollHeight - heightBeforePrepend.current
    heightBeforePrepend.current = null
  }, [prepended])

  useLayoutEffect(() => {
    const el = scroller.current
    if (el && (atBottom.current || lastIsMine)) el.scrollTop = el.scrollHeight
  }, [lastKey, lastIsMine, loaded])

  // Scrolling to the top loads the previous page.
  const loadOlderRef = useRef(loadOlder)
  loadOlderRef.current = loadOlder
  useEffect(() => {
    const root = scroller.current
    const target = sentinel.current
    if (!root || !target || !loaded || !hasMore || loadingOlder) return
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) loadOlderRef.current()
      },
      { root, rootMargin: '200px 0px 0px 0px' },
    )
    observer.observe(target)
    return () => observer.disconnect()
  }, [loaded, hasMore, loadingOlder])

  return (
    <div
      ref={scroller}
      onScroll={(e) => {
        const el = e.currentTarget
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80
      }}
      data-testid="message-scroller"
      tabIndex={0}
      role="region"
      aria-label={t('region')}
      className="min-h-0 flex-1 overflow-y-auto overscroll-contain px-3 py-4 sm:px-4"
    >
      {/* A column at least as tall as the view, so a short conversation sits at the bottom. */}
      <div className="flex min-h-full flex-col">
        <div ref={sentinel} className="flex h-8 shrink-0 items-center justify-center">
          {loaded && hasMore && (
            <button
              type="button"
              onClick={loadOlder}
              disabled={loadingOlder}
              className="rounded-full px-3 py-1 text-xs font-medium text-slate-600 ring-1 ring-slate-200 hover:bg-slate-50 disabled:opacity-60 dark:text-slate-300 dark:ring-slate-700 dark:hover:bg-slate-800"
            >
              {loadingOlder ? t('loadingOlder') : t('loadOlder')}
            </button>
          )}
          {loaded && !hasMore && messages.length > 0 && (
            <span className="text-xs text-slate-500 dark:text-slate-400">{t('beginning')}</span>
          )}
        </div>
        <div className="mt-auto">
          {!loaded ? (
            <ul aria-busy="true" aria-label={t('loading')} className="space-y-4">
              {[0, 1, 2, 3].map((i) => (
                <li key={i} className={`flex gap-2 ${i % 2 ? 'flex-row-reverse' : ''}`}>
                  <span className="size-8 animate-pulse rounded-full bg-slate-200 dark:bg-slate-800" />
                  <span className="h-12 w-48 animate-pulse rounded-2xl bg-slate-200 dark:bg-slate-800" />
                </li>
              ))}
            </ul>
          ) : messages.length === 0 && outbox.length === 0 ? (
            <p className="py-16 text-center text-sm text-slate-500 dark:text-slate-400">
              {t('empty')}
            </p>
          ) : (
            <div role="log" aria-label={t('log')}>
              <ol className="space-y-3">
                {/* One array, so a message keeps its element (and its place) from pending to sent. */}
                {[
                  ...messages.map((message) => (
                    <MessageItem
                      key={`${message.userId}:${message.clientId}`}
                      mine={message.userId === selfId}
                      userId={message.userId}
                      userName={message.userName}
                      text={message.text}
                      stored={message}
                      seenBy={seenBy.get(message.id)}
                    />
                  )),
                  ...(selfId
                    ? outbox.map((message) => (
                        <MessageItem
                          key={`${selfId}:${message.clientId}`}
                          mine
                          userId={selfId}
                          userName={selfName}
                          text={message.text}
                          outgoing={message}
                          onRetry={() => onRetry(message.clientId)}
                          onDiscard={() => onDiscard(message.clientId)}
                        />
                      ))
                    : []),
                ]}
              </ol>
            </div>
          )}
        </div>
      </div>
    </div>
  )
}
