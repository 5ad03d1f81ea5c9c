'use client'

import type { ChatErrorCode, Room } from '@duplex/protocol/chat'
import { useCallback, useEffect, useState } from 'react'
import { rememberRoomName } from '../lib/room-names'
import { useRealtimeSocket } from './use-realtime-socket'

/** Why a room was not created: a code the page has words for, and when to retry if it is known. */
export type CreateRoomRefusal = {
  ok: false
  code: ChatErrorCode | 'not_connected' | 'timeout'
  retryAfterMs?: number
}
export type CreateRoomResult = { ok: true; room: Room; created: boolean } | CreateRoomRefusal

/**
 * The chat rooms, over the same socket as the chat: `list-rooms` on every (re)connect and every
 * few seconds for the online counts, `room-created` pushes new rooms as they appear.
 */
export function useRealtimeRooms() {
  const { connection, state } = useRealtimeSocket()
  const [rooms, setRooms] = useState<Room[] | null>(null)

  useEffect(() => {
    if (!connection) return
    const { socket } = connection
    let disposed = false
    const load = () => {
      if (!socket.connected) return
      const started = performance.now()
      socket.timeout(5000).emit('list-rooms', {}, (err, ack) => {
        if (disposed || err) return
        // The same request the idle probe would send: its round trip is the latency figure.
        connection.recordLatency(performance.now() - started)
        if (!ack.ok) return
        for (const room of ack.rooms) rememberRoomName(room.id, room.name)
        setRooms(ack.rooms)
      })
    }
    const onCreated = (room: Room) => {
      rememberRoomName(room.id, room.name)
      setRooms((list) =>
        list === null || list.some((r) => r.id === room.id) ? list : [...list, room],
      )
    }
    socket.on('connect', load)
    socket.on('room-created', onCreated)
    load()
    const timer = setInterval(load, 5000)
    return () => {
      disposed = true
      clearInterval(timer)
      socket.off('connect', load)
      socket.off('room-created', onCreated)
    }
  }, [connection])

  /** Creates a room by its name as typed (the server gives it a slug), or by slug. */
  const create = useCallback(
    async (what: { name: string } | { roomId: string }): Promise<CreateRoomResult> => {
      if (!connection?.socket.connected) return { ok: false, code: 'not_connected' }
      const ack = await connection.socket
        .timeout(5000)
        .emitWithAck('create-room', what)
        .catch(() => null)
      if (!ack) return { ok: false, code: 'timeout' }
      if (!ack.ok) {
        return {
          ok: false,
          code: ack.error.code,
          ...(ack.error.retryAfterMs !== undefined && { retryAfterMs: ack.error.retryAfterMs }),
        }
      }
      rememberRoomName(ack.room.id, ack.room.name)
      setRooms((list) =>
        list === null || list.some((r) => r.id === ack.room.id) ? list : [...list, ack.room],
      )
      return { ok: true, room: ack.room, created: ack.created }
    },
    [connection],
  )

  return { rooms, create, connection: state }
}
