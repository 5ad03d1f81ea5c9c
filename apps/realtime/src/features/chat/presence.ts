import type { Member, RoomId } from '@duplex/protocol/chat'
import type { SessionUser } from '@duplex/protocol/session'

/** What changed for the room when a socket joined or left. */
export interface PresenceChange {
  /** True when this was the user's first socket in the room (joined) or last (left). */
  changed: boolean
}

/** A user who left a room with their last socket. */
export interface Departure {
  roomId: RoomId
  user: SessionUser
}

/**
 * Who is in which room. Async because in cluster mode the truth lives in Redis, shared by every
 * instance; `has` stays synchronous because it only asks about this instance's own sockets.
 */
export interface Presence {
  /** Adds a socket of `user` to the room. */
  join(roomId: RoomId, user: SessionUser, socketId: string): Promise<PresenceChange>
  /** Removes one socket from the room; the user stays while another socket of theirs is there. */
  leave(roomId: RoomId, userId: string, socketId: string): Promise<PresenceChange>
  /** Removes a socket from every room it was in (disconnect), returning the rooms the user left. */
  leaveAll(socketId: string): Promise<Departure[]>
  /**
   * Forgets a socket that was closed because this server is shutting down, without removing it
   * from shared presence: in cluster mode it reconnects to another instance, which takes the entry
   * over, or the survivors remove it once this instance's heartbeat has expired.
   */
  forget(socketId: string): void
  /** One entry per user, in the order they arrived. */
  members(roomId: RoomId): Promise<Member[]>
  /** Number of users (not sockets) in the room. */
  count(roomId: RoomId): Promise<number>
  /** Whether this instance's socket is in the room. */
  has(roomId: RoomId, socketId: string): boolean
  /**
   * Changes this instance's own sockets did not cause (another instance died and its members
   * were removed), so chat can announce them. Never called in single mode.
   */
  onExternalChange(listener: (change: { joined: Departure[]; left: Departure[] }) => void): void
}

/**
 * Who is in which room, counted per user: a user with three tabs is one member, and leaves only
 * when the last tab does. Socket ids are the unit, so a tab that crashed (disconnect without
 * leave-room) is cleaned up by {@link Presence.leaveAll} and leaves no ghost behind.
 */
export function createPresence(): Presence {
  const local = createLocalPresence()
  return {
    join: async (roomId, user, socketId) => local.join(roomId, user, socketId),
    leave: async (roomId, userId, socketId) => local.leave(roomId, userId, socketId),
    leaveAll: async (socketId) => local.leaveAll(socketId),
    forget: (socketId) => void local.leaveAll(socketId),
    members: async (roomId) => local.members(roomId),
    count: async (roomId) => local.count(roomId),
    has: (roomId, socketId) => local.has(roomId, socketId),
    onExternalChange: () => undefined,
  }
}

/** The synchronous bookkeeping of one process; cluster presence keeps its local view with it too. */
export interface LocalPresence {
  join(roomId: RoomId, user: SessionUser, socketId: string): PresenceChange
  leave(roomId: RoomId, userId: string, socketId: string): PresenceChange
  leaveAll(socketId: string): Departure[]
  members(roomId: RoomId): Member[]
  count(roomId: RoomId): number
  has(roomId: RoomId, socketId: string): boolean
  /** Every (room, user, socket) this process holds. */
  entries(): { roomId: RoomId; user: SessionUser; socketId: string }[]
}

interface Entry {
  user: SessionUser
  sockets: Set<string>
}

/**
 * The rooms of one socket, each with the user it joined as. One room (the usual case: a tab shows
 * one room) is kept without a Map, which would cost an idle socket some 150 bytes.
 */
type SocketRooms = { roomId: RoomId; userId: string } | Map<RoomId, string>

export function createLocalPresence(): LocalPresence {
  const rooms = new Map<RoomId, Map<string, Entry>>()
  const roomsOfSocket = new Map<string, SocketRooms>()

  function addSocketRoom(socketId: string, roomId: RoomId, userId: string): void {
    const current = roomsOfSocket.get(socketId)
    if (current instanceof Map) current.set(roomId, userId)
    else if (current === undefined || current.roomId === roomId)
      roomsOfSocket.set(socketId, { roomId, userId })
    else
      roomsOfSocket.set(
        socketId,
        new Map([
          [current.roomId, current.userId],
          [roomId, userId],
        ]),
      )
  }

  function deleteSocketRoom(socketId: string, roomId: RoomId): void {
    const current = roomsOfSocket.get(socketId)
    if (current instanceof Map) {
      current.delete(roomId)
      if (current.size === 0) roomsOfSocket.delete(socketId)
    } else if (current?.roomId === roomId) {
      roomsOfSocket.delete(socketId)
    }
  }

  /** (room, user) pairs of the socket, in the order it joined them. */
  function socketRooms(socketId: string): [RoomId, string][] {
    const current = roomsOfSocket.get(socketId)
    if (current instanceof Map) return [...current]
    return current ? [[current.roomId, current.userId]] : []
  }

  function leave(roomId: RoomId, userId: string, socketId: string): PresenceChange {
    deleteSocketRoom(socketId, roomId)
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
      addSocketRoom(socketId, roomId, user.id)
      return { changed }
    },

    leave,

    leaveAll(socketId) {
      const left: Departure[] = []
      for (const [roomId, userId] of socketRooms(socketId)) {
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
      const current = roomsOfSocket.get(socketId)
      return current instanceof Map ? current.has(roomId) : current?.roomId === roomId
    },

    entries() {
      const result: { roomId: RoomId; user: SessionUser; socketId: string }[] = []
      for (const [roomId, room] of rooms) {
        for (const { user, sockets } of room.values()) {
          for (const socketId of sockets) result.push({ roomId, user, socketId })
        }
      }
      return result
    },
  }
}
