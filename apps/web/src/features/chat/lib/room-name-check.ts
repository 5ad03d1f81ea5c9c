import { graphemeLength, ROOM_NAME_MAX_GRAPHEMES, RoomNameSchema } from '@duplex/protocol/chat'

/** What is wrong with a room name before it is sent, in words the page has keys for. */
export type RoomNameProblem =
  { key: 'empty' } | { key: 'tooLong'; length: number; max: number } | { key: 'control' }

/**
 * Checks a name the way the server will (`RoomNameSchema`), so the page can say what is wrong
 * in the reader's language. Spaces at either end are the only thing the page drops (a field's
 * stray space, not part of the name); everything else is refused, never changed.
 */
export function checkRoomName(typed: string): { name: string } | RoomNameProblem {
  const name = typed.trim()
  if (name === '') return { key: 'empty' }
  const length = graphemeLength(name)
  if (length > ROOM_NAME_MAX_GRAPHEMES) {
    return { key: 'tooLong', length, max: ROOM_NAME_MAX_GRAPHEMES }
  }
  if (!RoomNameSchema.safeParse(name).success) return { key: 'control' }
  return { name }
}
