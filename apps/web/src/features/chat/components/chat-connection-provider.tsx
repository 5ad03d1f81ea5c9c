'use client'

import { useEffect, useMemo, useState, type ReactNode } from 'react'
import { useRealtimeUrl } from '@/shared/hooks/use-realtime-url'
import { useSession } from '@/shared/hooks/use-session'
import { useWireLog } from '@/shared/hooks/use-wire-log'
import { ChatConnectionContext, ChatWireContext } from '@/features/chat/lib/chat-context'
import { createChatConnection, type ChatConnection } from '@/features/chat/lib/chat-connection'

/**
 * Opens one Socket.IO connection for the chat pages of this tab, so moving between the lobby and
 * a room keeps the socket (and its wire log) instead of reconnecting. Signing out closes it.
 */
export function ChatConnectionProvider({ children }: { children: ReactNode }) {
  const url = useRealtimeUrl()
  const { session } = useSession()
  // A rename keeps the user id but the server keeps the name from the handshake: reconnect then too.
  const identity = session ? `${session.user.id}:${session.user.name}` : null
  const [connection, setConnection] = useState<ChatConnection | null>(null)
  const wire = useWireLog(300)
  const { push } = wire

  useEffect(() => {
    if (!url || !identity) return
    const next = createChatConnection(url)
    const stopWire = next.onWire((frame) => push({ ...frame, at: Date.now() }))
    setConnection(next)
    return () => {
      stopWire()
      next.close()
      setConnection(null)
    }
  }, [url, identity, push])

  const value = useMemo(() => ({ connection }), [connection])
  return (
    <ChatConnectionContext.Provider value={value}>
      <ChatWireContext.Provider value={wire}>{children}</ChatWireContext.Provider>
    </ChatConnectionContext.Provider>
  )
}
