import type { Metadata } from 'next'
import { DemoHeader } from '@/shared/ui/demo-header'
import { SessionGate } from '@/shared/ui/session/session-gate'
import { CHAT_LEDE, CHAT_WHY } from './chat-copy'
import { ChatStatusBar } from './chat-status-bar'
import { ChatWirePanel } from './chat-wire-panel'
import { LobbyGuide } from './lobby-guide'
import { RoomList } from './room-list'

export const chatLobbyMetadata: Metadata = { title: 'Chat over Socket.IO' }

export function ChatLobbyPage() {
  return (
    <>
      <DemoHeader transport="ws" title="Chat" lede={CHAT_LEDE} why={CHAT_WHY} />
      <SessionGate purpose="chat">
        <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
          <div className="min-w-0 space-y-4">
            <ChatStatusBar />
            <RoomList />
            <LobbyGuide />
          </div>
          <ChatWirePanel />
        </div>
      </SessionGate>
    </>
  )
}
