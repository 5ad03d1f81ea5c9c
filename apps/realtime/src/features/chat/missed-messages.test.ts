import type { ChatMessage } from '@duplex/protocol/chat'
import { describe, expect, it } from 'vitest'
import { waitFor } from '@duplex/testing/wait'
import { silentLogger } from '../../shared/log.ts'
import { createMissedMessages } from './missed-messages.ts'
import type { ChatStore } from './repository.ts'

const message = (id: number, roomId: string, ts: number): ChatMessage => ({
  id,
  seq: id,
  roomId,
  userId: 'u_ada',
  userName: 'Ada',
  text: `m${id}`,
  clientId: `c${id}`,
  ts,
})

/** A store holding `messages`, failing the first `failures` reads (the database away too). */
function storeOf(messages: ChatMessage[], failures = 0) {
  let reads = 0
  const store = {
    async listMessages(roomId: string, { limit }: { limit: number }) {
      reads++
      if (failures-- > 0) throw new Error('connect ECONNREFUSED 127.0.0.1:5432')
      const inRoom = messages.filter((m) => m.roomId === roomId)
      return { messages: inRoom.slice(-limit), hasMore: inRoom.length > limit }
    },
  } as Pick<ChatStore, 'listMessages'> as ChatStore
  return { store, reads: () => reads }
}

describe('createMissedMessages', () => {
  it('re-sends the messages of this instance’s rooms since the outage (with slack), once for many requests', async () => {
    const { store, reads } = storeOf([
      message(1, 'general', 1000),
      message(2, 'general', 5000),
      message(3, 'random', 6000),
      message(4, 'general', 9000),
      message(5, 'elsewhere', 9500),
    ])
    const sent: [string, number][] = []
    const missed = createMissedMessages({
      store,
      log: silentLogger,
      localRooms: () => ['general', 'random'],
      emitLocally: (roomId, m) => sent.push([roomId, m.id]),
      marginMs: 1000,
      coalesceMs: 5,
    })
    // Three instances asking at once: one replay, from the earliest moment.
    missed.replaySince(8000)
    missed.replaySince(6000)
    missed.replaySince(7000)
    await waitFor(() => sent.length === 3, 'the replay')
    expect(sent).toEqual([
      ['general', 2],
      ['general', 4],
      ['random', 3],
    ])
    expect(reads()).toBe(2)
    missed.stop()
  })

  it('tries again when the database is away too, from the same moment', async () => {
    const { store, reads } = storeOf([message(1, 'general', 5000)], 2)
    const sent: number[] = []
    const missed = createMissedMessages({
      store,
      log: silentLogger,
      localRooms: () => ['general'],
      emitLocally: (_roomId, m) => sent.push(m.id),
      marginMs: 0,
      coalesceMs: 1,
      retryMs: 10,
    })
    missed.replaySince(4000)
    await waitFor(() => sent.length === 1, 'the replay after two failures')
    expect(reads()).toBe(3)
    missed.stop()
  })
})
