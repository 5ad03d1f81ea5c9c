import type { ReactNode } from 'react'
import { RealtimeBoundary } from '@/shared/ui/session/realtime-boundary'
import { ChatConnectionProvider } from './chat-connection-provider'

/** The lobby and every room share one session and one Socket.IO connection per tab. */
export function ChatLayout({ children }: { children: ReactNode }) {
  return (
    <RealtimeBoundary>
      <ChatConnectionProvider>{children}</ChatConnectionProvider>
    </RealtimeBoundary>
  )
}
