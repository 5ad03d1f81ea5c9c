'use client'

import Link from 'next/link'
import { useTranslations } from 'next-intl'
import { useChat } from '@/features/chat/hooks/use-chat'
import { useSession } from '@/shared/hooks/use-session'
import { ChatFaults } from './chat-faults'
import { ChatStatusBar } from './chat-status-bar'
import { ChatWirePanel } from './chat-wire-panel'
import { Composer } from './composer'
import { MessageList } from './message-list'
import { PresencePanel } from './presence-panel'
import { TypingIndicator } from './typing-indicator'

/** Notices with words of their own; anything else is "something went wrong". */
const NOTICE_CODES = [
  'rate_limited',
  'too_large',
  'not_in_room',
  'invalid',
  'timeout',
  'unavailable',
] as const
type NoticeCode = (typeof NOTICE_CODES)[number]
const hasWords = (code: string): code is NoticeCode =>
  (NOTICE_CODES as readonly string[]).includes(code)

export function ChatRoom({ roomId }: { roomId: string }) {
  const { session } = useSession()
  const selfId = session?.user.id
  const chat = useChat(roomId, selfId)
  const t = useTranslations('chat.notice')

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <div className="min-w-0 space-y-4">
        <ChatStatusBar>
          <Link
            href="/chat"
            className="rounded-md px-2 py-1 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-100 dark:text-slate-200 dark:ring-slate-700 dark:hover:bg-slate-800"
          >
            ← All rooms
          </Link>
        </ChatStatusBar>
        <section
          aria-label={`Room ${roomId}`}
          className="flex h-[calc(100dvh-20rem)] min-h-80 flex-col sm:h-[min(72vh,42rem)] sm:min-h-96 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900"
        >
          {chat.notice && (
            <div
              role="alert"
              data-testid="chat-notice"
              data-code={chat.notice.code}
              className="flex items-start gap-3 border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
            >
              <p className="flex-1">
                <span className="font-semibold">
                  {t(hasWords(chat.notice.code) ? chat.notice.code : 'unknown')}.
                </span>{' '}
                {chat.notice.message}
              </p>
              <button
                type="button"
                onClick={chat.dismissNotice}
                className="rounded px-1.5 text-xs font-medium underline-offset-2 hover:underline"
              >
                {t('dismiss')}
              </button>
            </div>
          )}
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
            roomId={roomId}
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
        <ChatFaults outbox={chat.outbox.length} />
        <ChatWirePanel />
      </aside>
    </div>
  )
}
