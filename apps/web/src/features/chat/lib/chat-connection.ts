import type { ClientToServerEvents, ServerToClientEvents } from '@duplex/protocol/chat'
import type { Socket } from 'socket.io-client'
import {
  createRealtimeConnection,
  type RealtimeConnection,
  type RealtimeConnectionState,
} from '@/shared/lib/realtime-connection'

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>
export type ChatConnection = RealtimeConnection<ServerToClientEvents, ClientToServerEvents>
export type ChatConnectionState = RealtimeConnectionState

/**
 * The chat pages' connection: the shared Socket.IO core with the chat's events, measuring its
 * round trip with a cheap `list-rooms` ack while idle.
 */
export function createChatConnection(url: string): ChatConnection {
  return createRealtimeConnection<ServerToClientEvents, ClientToServerEvents>(url, {
    probe: (socket, answered) =>
      socket.timeout(5000).emit('list-rooms', {}, (err) => {
        if (!err) answered()
      }),
  })
}
