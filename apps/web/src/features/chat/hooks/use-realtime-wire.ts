'use client'

import { useContext } from 'react'
import { ChatWireContext } from '@/features/chat/lib/chat-context'
import type { WireLog } from '@/shared/lib/wire-log'

/** The wire log of the chat connection, for the wire panel. */
export function useRealtimeWire(): WireLog {
  const log = useContext(ChatWireContext)
  if (!log) throw new Error('useRealtimeWire must be used within a ChatConnectionProvider')
  return log
}
