import { defineTask, sioRoundTrips, type WorkerPart } from '../../load/tasks.ts'
import { CHAT_EVENTS, openChat, type ChatSpec } from './clients.ts'

/** The chat's part of the load worker: chat members, and the round trip through the chat. */
export const chatTasks: WorkerPart = {
  connectors: {
    'sio-chat': (spec, index, onDelivery) => openChat(spec as ChatSpec, index, onDelivery),
  },
  tasks: {
    'chat-rtt': defineTask<{ url: string; count: number; secret: string; room: string }>((p, kit) =>
      sioRoundTrips(
        kit,
        p.count,
        p.room,
        (user, index, onDelivery) =>
          openChat(
            { kind: 'sio-chat', url: p.url, secret: p.secret, room: p.room, user },
            index,
            onDelivery,
          ),
        CHAT_EVENTS,
      ),
    ),
  },
}
