import { RoomIdSchema } from '@duplex/protocol/chat'
import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { DemoHeader } from '@/components/demo-header'
import { SessionGate } from '@/components/session/session-gate'
import { ChatRoom } from '../_components/chat-room'
import { CHAT_LEDE, CHAT_WHY } from '../_components/chat-copy'

export async function generateMetadata({ params }: PageProps<'/chat/[room]'>): Promise<Metadata> {
  const { room } = await params
  return { title: `#${room} · Chat` }
}

export default async function ChatRoomPage({ params }: PageProps<'/chat/[room]'>) {
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
