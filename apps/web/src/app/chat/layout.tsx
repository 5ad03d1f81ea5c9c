import type { ReactNode } from 'react'
import { RealtimeBoundary } from '@/components/session/realtime-boundary'
import { ChatConnectionProvider } from './_components/chat-connection-provider'

/** The lobby and every room share one session and one Socket.IO connection per tab. */
export default function ChatLayout({ children }: { children: ReactNode }) {
  return (
    <RealtimeBoundary>
      <ChatConnectionProvider>{children}</ChatConnectionProvider>
    </RealtimeBoundary>
  )
}
