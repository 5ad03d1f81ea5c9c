import { RoomIdSchema } from '@duplex/protocol/chat'
import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { SessionGate } from '@/shared/ui/session/session-gate'
import { ChatRoom } from './chat-room'
import { ChatHeader } from './chat-header'

export async function chatRoomMetadata({ params }: PageProps<'/chat/[room]'>): Promise<Metadata> {
  const [{ room }, t] = await Promise.all([params, getTranslations('chat.page')])
  return { title: t('roomMetaTitle', { room }) }
}

export async function ChatRoomPage({ params }: PageProps<'/chat/[room]'>) {
  const parsed = RoomIdSchema.safeParse((await params).room)
  if (!parsed.success) notFound()
  return (
    <>
      <ChatHeader title={`#${parsed.data}`} />
      <SessionGate purpose="chat">
        <ChatRoom roomId={parsed.data} />
      </SessionGate>
    </>
  )
}
