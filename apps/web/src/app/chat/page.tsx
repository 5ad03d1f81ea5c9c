import type { Metadata } from 'next'
import { DemoHeader } from '@/components/demo-header'
import { SessionGate } from '@/components/session/session-gate'
import { CHAT_LEDE, CHAT_WHY } from './_components/chat-copy'
import { ChatStatusBar } from './_components/chat-status-bar'
import { ChatWirePanel } from './_components/chat-wire-panel'
import { LobbyGuide } from './_components/lobby-guide'
import { RoomList } from './_components/room-list'

export const metadata: Metadata = { title: 'Chat over Socket.IO' }

export default function ChatLobbyPage() {
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
