import type { ChatMessage } from '@duplex/protocol/chat'
import { describe, expect, it } from 'vitest'
import type { OutgoingMessage } from './chat-state.ts'
import { mergeMessages, settleOutbox } from './message-merge.ts'

const message = (id: number, clientId = `c${id}`): ChatMessage => ({
  id,
  seq: id,
  roomId: 'general',
  userId: 'u1',
  userName: 'Ada',
  text: `message ${id}`,
  ts: 1_700_000_000_000 + id,
  clientId,
})

const outgoing = (clientId: string): OutgoingMessage => ({
  clientId,
  text: 'hi',
  status: 'sending',
  createdAt: 0,
})

describe('mergeMessages', () => {
  it('keeps one copy per server id, oldest first, whatever order they arrive in', () => {
    const merged = mergeMessages([message(1), message(3)], [message(3), message(2), message(4)])
    expect(merged.map((m) => m.id)).toEqual([1, 2, 3, 4])
  })

  it('returns the same array when nothing arrives, so React can skip the render', () => {
    const current = [message(1)]
    expect(mergeMessages(current, [])).toBe(current)
  })
})

describe('settleOutbox', () => {
  it('drops the outgoing entries the server turns out to have stored', () => {
    const outbox = [outgoing('a'), outgoing('b')]
    expect(settleOutbox(outbox, [message(7, 'a')]).map((o) => o.clientId)).toEqual(['b'])
    expect(settleOutbox(outbox, [message(8, 'z')])).toBe(outbox)
  })
})
