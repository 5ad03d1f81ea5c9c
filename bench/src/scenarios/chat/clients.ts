import { io } from 'socket.io-client'
import {
  closeSocket,
  connected,
  onBroadcast,
  sioOptions,
  tokenFor,
  type OnDelivery,
  type SioConn,
} from '../../load/clients.ts'
import type { ConnSpec } from '../../load/messages.ts'
import type { Publisher } from '../../load/publishers.ts'

/** The chat's round trip: `send-message` acked by the server, `room-message` to the room. */
export const CHAT_EVENTS = { send: 'send-message', broadcast: 'room-message' } as const

/** A chat member of the real realtime server; `room-message` whose text holds `{ seq }`. */
export interface ChatSpec extends ConnSpec {
  kind: 'sio-chat'
  room: string
  secret: string
  user: string
}

/** A chat member: connects with a session, joins `room`, and reports every `room-message`. */
export async function openChat(
  spec: ChatSpec,
  index: number,
  onDelivery: OnDelivery,
): Promise<SioConn> {
  const socket = io(spec.url, sioOptions(index, await tokenFor(spec.user, spec.secret)))
  onBroadcast(socket, CHAT_EVENTS.broadcast, onDelivery)
  await connected(socket)
  const ack = (await socket.emitWithAck('join-room', { roomId: spec.room })) as {
    ok: boolean
    error?: { message: string }
  }
  if (!ack.ok) throw new Error(`join-room: ${ack.error?.message ?? 'refused'}`)
  return { socket, close: () => closeSocket(socket) }
}

/** A chat member of the real realtime server that sends `send-message` and waits for each ack. */
export async function chatPublisher(url: string, secret: string, room: string): Promise<Publisher> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { token: await tokenFor('bench-publisher', secret) },
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  const joined = (await socket.emitWithAck('join-room', { roomId: room })) as { ok: boolean }
  if (!joined.ok) throw new Error('publisher could not join the room')
  let sample = 0
  return {
    async publish(firstSeq, count) {
      const acks: Promise<{ ok: boolean; error?: { message: string }; message?: unknown }>[] = []
      for (let i = 0; i < count; i++) {
        acks.push(
          socket.emitWithAck('send-message', {
            roomId: room,
            text: JSON.stringify({ seq: firstSeq + i }),
            clientId: `p${firstSeq + i}`,
          }),
        )
      }
      for (const ack of await Promise.all(acks)) {
        if (!ack.ok) throw new Error(`send-message refused: ${ack.error?.message}`)
        sample ||= JSON.stringify(ack.message).length
      }
    },
    get payloadBytes() {
      return sample
    },
    maxBatch: 100,
    close: async () => {
      socket.disconnect()
    },
  }
}
