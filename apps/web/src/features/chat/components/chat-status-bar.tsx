'use client'

import { useTranslations } from 'next-intl'
import type { ReactNode } from 'react'
import { ConnectionBadge } from '@/shared/ui/connection-badge'
import { ConnectionRefused } from '@/shared/ui/session/connection-refused'
import { OriginRefused } from '@/shared/ui/session/origin-refused'
import { RealtimeUnreachable } from '@/shared/ui/session/realtime-unreachable'
import { SessionEnded } from '@/shared/ui/session/session-ended'
import { UserMenu } from '@/shared/ui/session/user-menu'
import { useOriginRefusal } from '@/shared/hooks/use-origin-refusal'
import { useRealtimeUrl } from '@/shared/hooks/use-realtime-url'
import { describeConnectionError, UNREACHABLE_AFTER_ATTEMPTS } from '@/shared/lib/connection-error'
import { useRealtimeSocket } from '@/features/chat/hooks/use-realtime-socket'
import { useOnline } from '../hooks/use-online'

/** Connection state, round trip and transport of the chat socket, plus the user menu. */
export function ChatStatusBar({ children }: { children?: ReactNode }) {
  const { connection, state } = useRealtimeSocket()
  const t = useTranslations('chat.statusBar')
  const url = useRealtimeUrl()
  // Without a network the browser cannot reach any server: say that, not that the server is down.
  const offline = !useOnline() && state.status !== 'open'
  const reason = (): string | undefined => {
    if (offline) return t('detail.offline')
    if (state.status !== 'reconnecting' || !state.lastError) return undefined
    if (state.lastError === 'io server disconnect') return t('detail.serverClosed')
    if (state.lastError === 'io client disconnect') return t('detail.disconnected')
    const described = describeConnectionError(state.lastError)
    // The shared wording of "no answer" (a timeout, a refused or failed transport).
    return described === 'the realtime server is not answering'
      ? t('detail.notAnswering')
      : (described ?? undefined)
  }
  // Engine.IO names its transports `websocket` and `polling`; the page says what they are.
  const transport =
    state.transport === 'polling'
      ? t('polling')
      : state.transport === 'websocket'
        ? 'WebSocket'
        : (state.transport ?? undefined)
  const detail = state.status === 'open' ? transport : reason()
  const failing =
    !offline &&
    state.status !== 'open' &&
    !state.refusal &&
    !state.ended &&
    // Refused with `unavailable` (a store is down) means the server answered, and says so.
    !state.lastError?.startsWith('unavailable:')
  const originRefusal = useOriginRefusal(url, failing ? state.failedAttempts : 0)
  const unreachable = failing && state.failedAttempts >= UNREACHABLE_AFTER_ATTEMPTS
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        {children}
        <ConnectionBadge status={state.status} detail={detail} />
        <div className="text-sm">
          <span className="text-slate-500 dark:text-slate-400">{t('rtt')} </span>
          <span className="font-mono font-semibold tabular-nums" data-testid="latency">
            {state.latencyMs === null ? '—' : `${state.latencyMs} ms`}
          </span>
        </div>
        {state.connects > 1 && (
          <div className="text-sm" data-testid="recovery">
            <span className="text-slate-500 dark:text-slate-400">{t('lastReconnect')} </span>
            <span className="font-semibold">
              {state.recovered ? t('recovered') : t('rejoined')}
            </span>
          </div>
        )}
        <div className="ml-auto">
          <UserMenu />
        </div>
      </div>
      {offline && (
        <div
          role="status"
          data-testid="chat-offline"
          className="rounded-lg border border-slate-300 bg-slate-50 px-4 py-3 text-sm text-slate-800 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
        >
          <p className="font-semibold">{t('offlineTitle')}</p>
          <p className="mt-1">{t('offlineBody')}</p>
        </div>
      )}
      {originRefusal ? (
        <OriginRefused refusal={originRefusal} />
      ) : (
        unreachable && <RealtimeUnreachable url={url ?? undefined} />
      )}
      {state.ended && connection && (
        <SessionEnded why={state.ended} onRetry={() => connection.retry()} />
      )}
      {state.refusal && connection && (
        <ConnectionRefused reason={state.refusal} onRetry={() => connection.retry()} />
      )}
    </div>
  )
}
