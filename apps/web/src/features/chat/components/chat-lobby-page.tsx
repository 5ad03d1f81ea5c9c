import type { Metadata } from 'next'
import { useTranslations } from 'next-intl'
import { getTranslations } from 'next-intl/server'
import { SessionGate } from '@/shared/ui/session/session-gate'
import { ChatHeader } from './chat-header'
import { ChatStatusBar } from './chat-status-bar'
import { ChatWirePanel } from './chat-wire-panel'
import { LobbyGuide } from './lobby-guide'
import { RoomList } from './room-list'

export async function chatLobbyMetadata(): Promise<Metadata> {
  const t = await getTranslations('chat.page')
  return { title: t('metaTitle') }
}

export function ChatLobbyPage() {
  const t = useTranslations('chat.page')
  return (
    <>
      <ChatHeader />
      <SessionGate purpose={t('signInPurpose')}>
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
