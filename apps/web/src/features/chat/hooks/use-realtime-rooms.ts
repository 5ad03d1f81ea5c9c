'use client'

import type { Room } from '@duplex/protocol/chat'
import { useCallback, useEffect, useState } from 'react'
import { useRealtimeSocket } from './use-realtime-socket'

export type CreateRoomResult =
  { ok: true; room: Room; created: boolean } | { ok: false; message: string }

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
        if (ack.ok) setRooms(ack.rooms)
      })
    }
    const onCreated = (room: Room) =>
      setRooms((list) =>
        list === null || list.some((r) => r.id === room.id) ? list : [...list, room],
      )
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

  const create = useCallback(
    async (roomId: string): Promise<CreateRoomResult> => {
      if (!connection?.socket.connected)
        return { ok: false, message: 'Not connected to the chat server yet.' }
      const ack = await connection.socket
        .timeout(5000)
        .emitWithAck('create-room', { roomId })
        .catch(() => null)
      if (!ack) return { ok: false, message: 'The server did not answer in time.' }
      if (!ack.ok) return { ok: false, message: ack.error.message }
      setRooms((list) =>
        list === null || list.some((r) => r.id === ack.room.id) ? list : [...list, ack.room],
      )
      return { ok: true, room: ack.room, created: ack.created }
    },
    [connection],
  )

  return { rooms, create, connection: state }
}
