'use client'

import { createContext } from 'react'
import type { WireLog } from '@/hooks/use-wire-log'
import type { ChatConnection } from './realtime-socket'

/** The tab's chat connection, or null while signed out or before the page knows the server URL. */
export const ChatConnectionContext = createContext<{ connection: ChatConnection | null } | null>(
  null,
)

/** The wire log of the chat connection; kept apart so a busy wire re-renders only the panel. */
export const ChatWireContext = createContext<WireLog | null>(null)
