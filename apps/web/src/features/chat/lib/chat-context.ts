'use client'

import { createContext } from 'react'
import type { WireLog } from '@/shared/lib/wire-log'
import type { ChatConnection } from '@/features/chat/lib/chat-connection'

/** The tab's chat connection, or null while signed out or before the page knows the server URL. */
export const ChatConnectionContext = createContext<{ connection: ChatConnection | null } | null>(
  null,
)

/** The wire log of the chat connection; kept apart so a busy wire re-renders only the panel. */
export const ChatWireContext = createContext<WireLog | null>(null)
