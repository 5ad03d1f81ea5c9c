import type { ChatMessage } from '@duplex/protocol/chat'
import type { OutgoingMessage } from './chat-state.ts'

/** Merges messages by server id (a replay or a refetch must never show one twice), oldest first. */
export function mergeMessages(current: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  if (incoming.length === 0) return current
  const byId = new Map(current.map((m) => [m.id, m]))
  for (const m of incoming) byId.set(m.id, m)
  return [...byId.values()].sort((a, b) => a.id - b.id)
}

/** Drops outgoing entries the server turns out to have stored (an ack lost, then a refetch). */
export function settleOutbox(outbox: OutgoingMessage[], stored: ChatMessage[]): OutgoingMessage[] {
  if (outbox.length === 0) return outbox
  const ids = new Set(stored.map((m) => m.clientId))
  const left = outbox.filter((o) => !ids.has(o.clientId))
  return left.length === outbox.length ? outbox : left
}
