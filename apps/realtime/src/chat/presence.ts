import type { Member, RoomId } from '@duplex/protocol/chat'
import type { SessionUser } from '@duplex/protocol/session'

/** What changed for the room when a socket joined or left. */
export interface PresenceChange {
  /** True when this was the user's first socket in the room (joined) or last (left). */
  changed: boolean
}

export interface Presence {
  /** Adds a socket of `user` to the room. */
  join(roomId: RoomId, user: SessionUser, socketId: string): PresenceChange
  /** Removes one socket from the room; the user stays while another socket of theirs is there. */
  leave(roomId: RoomId, userId: string, socketId: string): PresenceChange
  /** Removes a socket from every room it was in (disconnect), returning the rooms the user left. */
  leaveAll(socketId: string): { roomId: RoomId; user: SessionUser }[]
  /** One entry per user, in the order they arrived. */
  members(roomId: RoomId): Member[]
  /** Number of users (not sockets) in the room. */
  count(roomId: RoomId): number
  /** Whether this socket is in the room. */
  has(roomId: RoomId, socketId: string): boolean
}

interface Entry {
  user: SessionUser
  sockets: Set<string>
}

/**
 * Who is in which room, counted per user: a user with three tabs is one member, and leaves only
 * when the last tab does. Socket ids are the unit, so a tab that crashed (disconnect without
 * leave-room) is cleaned up by {@link Presence.leaveAll} and leaves no ghost behind.
 */
export function createPresence(): Presence {
  const rooms = new Map<RoomId, Map<string, Entry>>()
  const roomsOfSocket = new Map<string, Map<RoomId, string>>()

  function leave(roomId: RoomId, userId: string, socketId: string): PresenceChange {
    roomsOfSocket.get(socketId)?.delete(roomId)
    if (roomsOfSocket.get(socketId)?.size === 0) roomsOfSocket.delete(socketId)
    const room = rooms.get(roomId)
    const entry = room?.get(userId)
    if (!room || !entry || !entry.sockets.delete(socketId)) return { changed: false }
    if (entry.sockets.size > 0) return { changed: false }
    room.delete(userId)
    if (room.size === 0) rooms.delete(roomId)
    return { changed: true }
  }

  return {
    join(roomId, user, socketId) {
      let room = rooms.get(roomId)
      if (!room) rooms.set(roomId, (room = new Map()))
      let entry = room.get(user.id)
      const changed = entry === undefined
      if (!entry) room.set(user.id, (entry = { user, sockets: new Set() }))
      // The newest tab's name wins, so a renamed user shows the new name.
      entry.user = user
      entry.sockets.add(socketId)
      let socketRooms = roomsOfSocket.get(socketId)
      if (!socketRooms) roomsOfSocket.set(socketId, (socketRooms = new Map()))
      socketRooms.set(roomId, user.id)
      return { changed }
    },

    leave,

    leaveAll(socketId) {
      const left: { roomId: RoomId; user: SessionUser }[] = []
      for (const [roomId, userId] of [...(roomsOfSocket.get(socketId) ?? [])]) {
        const user = rooms.get(roomId)?.get(userId)?.user
        if (leave(roomId, userId, socketId).changed && user) left.push({ roomId, user })
      }
      roomsOfSocket.delete(socketId)
      return left
    },

    members(roomId) {
      return [...(rooms.get(roomId)?.values() ?? [])].map(({ user }) => ({
        userId: user.id,
        userName: user.name,
      }))
    },

    count(roomId) {
      return rooms.get(roomId)?.size ?? 0
    },

    has(roomId, socketId) {
      return roomsOfSocket.get(socketId)?.has(roomId) ?? false
    },
  }
}
