'use client'

import { useRoomName } from '../lib/room-names'

/** The room page's heading: `#` and the room's name as typed, laid out by its own direction. */
export function RoomTitle({ slug }: { slug: string }) {
  const name = useRoomName(slug)
  return (
    <>
      #<bdi data-testid="room-name">{name}</bdi>
    </>
  )
}
