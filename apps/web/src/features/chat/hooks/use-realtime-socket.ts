'use client'

import { useContext, useSyncExternalStore } from 'react'
import { ChatConnectionContext } from '@/features/chat/lib/chat-context'
import type { ChatConnection, ChatConnectionState } from '@/features/chat/lib/chat-connection'

const idle = () => () => {}
const NO_STATE: ChatConnectionState = {
  status: 'connecting',
  refusal: null,
  ended: null,
  lastError: null,
  latencyMs: null,
  transport: null,
  recovered: false,
  connects: 0,
  failedAttempts: 0,
}

/**
 * The chat's Socket.IO connection and its live state (status, latency, refusal reason).
 *
 * @example
 * const { connection, state } = useRealtimeSocket()
 * return <ConnectionBadge status={state.status} />
 */
export function useRealtimeSocket(): {
  connection: ChatConnection | null
  state: ChatConnectionState
} {
  const context = useContext(ChatConnectionContext)
  if (!context) throw new Error('useRealtimeSocket must be used within a ChatConnectionProvider')
  const { connection } = context
  const state = useSyncExternalStore(
    connection ? connection.subscribe : idle,
    () => connection?.getState() ?? NO_STATE,
    () => NO_STATE,
  )
  return { connection, state }
}
