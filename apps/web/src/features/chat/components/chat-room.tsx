'use client'

import Link from 'next/link'
import { useTranslations } from 'next-intl'
import { useEffect, useRef } from 'react'
import { useChat } from '@/features/chat/hooks/use-chat'
import { useSession } from '@/shared/hooks/use-session'
import type { ChatNotice } from '../lib/chat-state'
import { useCountdown } from '../lib/use-countdown'
import { ChatFaults } from './chat-faults'
import { ChatStatusBar } from './chat-status-bar'
import { ChatWirePanel } from './chat-wire-panel'
import { Composer } from './composer'
import { MessageList } from './message-list'
import { PresencePanel } from './presence-panel'
import { TypingIndicator } from './typing-indicator'
import { UnknownRoom } from './unknown-room'

/** Notices with words of their own; anything else is "something went wrong". */
const NOTICE_CODES = [
  'rate_limited',
  'too_large',
  'not_in_room',
  'not_found',
  'invalid',
  'timeout',
  'unavailable',
  'limit_reached',
] as const
type NoticeCode = (typeof NOTICE_CODES)[number]
const hasWords = (code: string): code is NoticeCode =>
  (NOTICE_CODES as readonly string[]).includes(code)

export function ChatRoom({ roomId }: { roomId: string }) {
  const { session } = useSession()
  const selfId = session?.user.id
  const chat = useChat(roomId, selfId)
  const t = useTranslations('chat')
  const room = chat.room === 'missing' ? null : chat.room
  const name = room?.name ?? roomId
  const composer = useRef<HTMLTextAreaElement>(null)
  const region = useRef<HTMLElement>(null)

  // Opening a room (from the list, by creating it, or by its address) puts the keyboard in the
  // room, not back at the top of the page: the composer where a keyboard is at hand, the room
  // itself on touch screens (focusing a text box there would open the on-screen keyboard).
  const focusedFor = useRef<string | null>(null)
  useEffect(() => {
    if (!chat.loaded || focusedFor.current === roomId) return
    focusedFor.current = roomId
    const active = document.activeElement
    if (active && active !== document.body && active.isConnected) return
    const fine = window.matchMedia('(pointer: fine)').matches
    if (fine && composer.current && !composer.current.disabled) {
      composer.current.focus({ preventScroll: true })
    } else region.current?.focus({ preventScroll: true })
  }, [chat.loaded, roomId])

  const allRooms = (
    <Link
      href="/chat"
      className="rounded-md px-2 py-1 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-100 dark:text-slate-200 dark:ring-slate-700 dark:hover:bg-slate-800"
    >
      {t('room.allRooms')}
    </Link>
  )

  if (chat.room === 'missing') {
    return (
      <div className="min-w-0 space-y-4">
        <ChatStatusBar>{allRooms}</ChatStatusBar>
        <UnknownRoom what={{ roomId }} onCreated={chat.rejoin} />
      </div>
    )
  }

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <div className="min-w-0 space-y-4">
        <ChatStatusBar>{allRooms}</ChatStatusBar>
        <section
          ref={region}
          tabIndex={-1}
          aria-label={t('room.region', { name })}
          data-testid="chat-room"
          className="flex h-[calc(100dvh-20rem)] min-h-80 flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm outline-none focus-visible:ring-2 focus-visible:ring-ws-500 sm:h-[min(calc(100dvh-21.5rem),42rem)] sm:min-h-96 dark:border-slate-800 dark:bg-slate-900"
        >
          {chat.notice && <Notice notice={chat.notice} onDismiss={chat.dismissNotice} />}
          <MessageList
            selfId={selfId}
            selfName={session?.user.name ?? ''}
            loaded={chat.loaded}
            messages={chat.messages}
            outbox={chat.outbox}
            reads={chat.reads}
            hasMore={chat.hasMore}
            loadingOlder={chat.loadingOlder}
            prepended={chat.prepended}
            onLoadOlder={chat.loadOlder}
            onRetry={chat.retry}
            onDiscard={chat.discard}
          />
          <TypingIndicator typing={chat.typing} />
          <Composer
            ref={composer}
            roomName={name}
            disabled={!session}
            connected={chat.connection.status === 'open' && chat.joined}
            onSend={chat.send}
            onTyping={chat.notifyTyping}
            onStopTyping={chat.stopTyping}
          />
        </section>
      </div>
      <aside className="min-w-0 space-y-4">
        <PresencePanel
          members={chat.members}
          selfId={selfId}
          connected={chat.connection.status === 'open'}
        />
        <ChatFaults outbox={chat.outbox} />
        <ChatWirePanel />
      </aside>
    </div>
  )
}

/** Why the server refused something, in the page's words, counting down to when a retry may work. */
function Notice({ notice, onDismiss }: { notice: ChatNotice; onDismiss: () => void }) {
  const t = useTranslations('chat.notice')
  const seconds = useCountdown(notice.retryAt)
  return (
    <div
      role="alert"
      data-testid="chat-notice"
      data-code={notice.code}
      data-detail={notice.message}
      className="flex items-start gap-3 border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <p className="flex-1">
        <span className="font-semibold">
          {notice.code === 'join_timeout'
            ? t('joinTimeout')
            : `${t(hasWords(notice.code) ? notice.code : 'unknown')}.`}
        </span>{' '}
        {seconds !== null && (
          <span data-testid="retry-countdown" data-seconds={seconds}>
            {seconds > 0 ? t('retryIn', { seconds }) : t('retryNow')}
          </span>
        )}
      </p>
      <button
        type="button"
        onClick={onDismiss}
        className="rounded px-1.5 text-xs font-medium underline-offset-2 hover:underline"
      >
        {t('dismiss')}
      </button>
    </div>
  )
}
