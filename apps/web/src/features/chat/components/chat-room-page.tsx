import { RoomIdSchema } from '@duplex/protocol/chat'
import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { DemoHeader } from '@/shared/ui/demo-header'
import { SessionGate } from '@/shared/ui/session/session-gate'
import { ChatRoom } from './chat-room'
import { CHAT_LEDE, CHAT_WHY } from './chat-copy'

export async function chatRoomMetadata({ params }: PageProps<'/chat/[room]'>): Promise<Metadata> {
  const { room } = await params
  return { title: `#${room} · Chat` }
}

export async function ChatRoomPage({ params }: PageProps<'/chat/[room]'>) {
  const parsed = RoomIdSchema.safeParse((await params).room)
  if (!parsed.success) notFound()
  return (
    <>
      <DemoHeader transport="ws" title={`#${parsed.data}`} lede={CHAT_LEDE} why={CHAT_WHY} />
      <SessionGate purpose="chat">
        <ChatRoom roomId={parsed.data} />
      </SessionGate>
    </>
  )
}
