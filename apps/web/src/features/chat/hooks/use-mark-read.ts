'use client'

import type { ChatMessage, RoomId } from '@duplex/protocol/chat'
import { useEffect, useRef } from 'react'
import type { ChatConnection } from '../lib/chat-connection'

/**
 * Read receipts: marks the newest message of the room read while the tab is visible (and again
 * when it becomes visible), once per message, and never for the reader's own messages.
 */
export function useMarkRead(
  connection: ChatConnection | null,
  joined: boolean,
  messages: readonly ChatMessage[],
  selfId: string | undefined,
  roomId: RoomId,
) {
  const lastMarked = useRef(0)
  useEffect(() => {
    lastMarked.current = 0
  }, [connection, roomId])

  const newest = messages.at(-1)
  const newestId = newest?.id
  const newestFromOther = newest !== undefined && newest.userId !== selfId
  useEffect(() => {
    if (!connection || !joined || newestId === undefined || !newestFromOther) return
    const mark = () => {
      if (document.visibilityState !== 'visible' || newestId <= lastMarked.current) return
      lastMarked.current = newestId
      connection.socket.emit('mark-read', { roomId, messageId: newestId })
    }
    mark()
    document.addEventListener('visibilitychange', mark)
    return () => document.removeEventListener('visibilitychange', mark)
  }, [connection, joined, newestId, newestFromOther, roomId])
}
