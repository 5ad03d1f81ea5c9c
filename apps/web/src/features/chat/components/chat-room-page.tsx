import { RoomIdSchema, RoomNameSchema } from '@duplex/protocol/chat'
import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { SessionGate } from '@/shared/ui/session/session-gate'
import { ChatRoom } from './chat-room'
import { ChatHeader } from './chat-header'
import { RoomTitle } from './room-title'
import { UnknownRoom } from './unknown-room'

/** The address's room segment as typed: `/chat/设计评审` arrives percent-encoded. */
function roomParam(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

export async function chatRoomMetadata({ params }: PageProps<'/chat/[room]'>): Promise<Metadata> {
  const [{ room }, t] = await Promise.all([params, getTranslations('chat.page')])
  return { title: t('roomMetaTitle', { room: roomParam(room) }) }
}

/**
 * `/chat/<slug>` opens the room with that slug (or offers to create it). Any other segment that
 * is a valid room name (`/chat/设计评审`) offers to create a room by that name, or leads to the
 * room that has it; anything else is a 404.
 */
export async function ChatRoomPage({ params }: PageProps<'/chat/[room]'>) {
  const param = roomParam((await params).room)
  const slug = RoomIdSchema.safeParse(param)
  if (slug.success) {
    return (
      <>
        <ChatHeader title={<RoomTitle slug={slug.data} />} />
        <SessionGate purpose="chat">
          <ChatRoom roomId={slug.data} />
        </SessionGate>
      </>
    )
  }
  const name = RoomNameSchema.safeParse(param)
  if (!name.success) notFound()
  return (
    <>
      <ChatHeader title={<RoomTitle slug={name.data} />} />
      <SessionGate purpose="chat">
        <UnknownRoom what={{ name: name.data }} />
      </SessionGate>
    </>
  )
}
