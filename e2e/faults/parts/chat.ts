import type { ChatMessage, ClientToServerEvents, ServerToClientEvents } from '@duplex/protocol/chat'
import { freshName } from '@duplex/testing/names'
import { expect } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { io, type Socket } from 'socket.io-client'
import type { SignedIn } from '../fixtures/actors.ts'
import { sleep, type FaultPartSetUp } from '../fixtures/part.ts'

// Chat through a fault: Ada on realtime instance 0 and Bob on instance 1 send a message each
// every 1.2 s (inside the default budget of 10 per 10 s, so no refusal is a spent budget).

type SendOutcome =
  | { kind: 'ok'; message: ChatMessage }
  | { kind: 'refused'; code: string; message: string; retryAfterMs?: number | undefined }
  | { kind: 'no answer' }

interface ChatMember {
  /** Ids of every message this member has seen: others' (`room-message`) and its own acks. */
  seen: Set<number>
  send(text: string, clientId: string): Promise<SendOutcome>
  close(): void
}

/**
 * A member on one realtime instance (its own URL, no proxy), in `room`. Reconnects as the page
 * does, and joins again when the server could not recover its session.
 */
async function joinChat(realtimeUrl: string, who: SignedIn, room: string): Promise<ChatMember> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(realtimeUrl, {
    transports: ['websocket'],
    auth: { token: who.token },
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
  })
  const seen = new Set<number>()
  socket.on('room-message', (message) => {
    if (message.roomId === room) seen.add(message.id)
  })
  const join = async () => {
    const ack = await socket.timeout(5000).emitWithAck('join-room', { roomId: room })
    if (!ack.ok) throw new Error(`join-room refused: ${ack.error.code} ${ack.error.message}`)
    for (const message of ack.history) seen.add(message.id)
  }
  socket.on('connect', () => {
    if (!socket.recovered) join().catch(() => undefined)
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  await join()
  return {
    seen,
    // The ack timeout is the page's patience: an answer must come within it, even an error.
    async send(text, clientId) {
      try {
        const ack = await socket
          .timeout(3000)
          .emitWithAck('send-message', { roomId: room, text, clientId })
        if (ack.ok) {
          seen.add(ack.message.id)
          return { kind: 'ok', message: ack.message }
        }
        return {
          kind: 'refused',
          code: ack.error.code,
          message: ack.error.message,
          retryAfterMs: ack.error.retryAfterMs,
        }
      } catch {
        return { kind: 'no answer' }
      }
    },
    close: () => void socket.disconnect(),
  }
}

/** The rows chat stored in `room`, by clientId, straight from the database. */
async function storedCounts(databaseUrl: string, room: string): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ client_id: string; n: string }>(
      'select client_id, count(*) as n from duplex.messages where room_id = $1 group by client_id',
      [room],
    )
    return new Map(rows.map((row) => [row.client_id, Number(row.n)]))
  } finally {
    await client.end()
  }
}

export const chatPart: FaultPartSetUp = async ({ faults, ada, bob }) => {
  const room = freshName('faults')
  const members = {
    ada: await joinChat(faults.cluster.realtime[0].url, ada, room),
    bob: await joinChat(faults.cluster.realtime[1].url, bob, room),
  }
  const sends: { from: 'ada' | 'bob'; clientId: string; text: string; outcome: SendOutcome }[] = []
  let n = 0
  return {
    name: 'chat',
    async act(until, label) {
      const talk = async (from: 'ada' | 'bob') => {
        while (Date.now() < until) {
          const clientId = randomUUID()
          const text = `${label} ${from} ${++n}`
          sends.push({ from, clientId, text, outcome: await members[from].send(text, clientId) })
          await sleep(1200)
        }
      }
      await Promise.all([talk('ada'), talk('bob')])
    },
    async check(fault) {
      // Every send was answered within the ack timeout, with a code a client can act on.
      for (const send of sends) {
        const outcome = JSON.stringify(send.outcome)
        expect(send.outcome.kind, `${send.text}: ${outcome}`).not.toBe('no answer')
        if (send.outcome.kind === 'refused') {
          expect(send.outcome.code, `${send.text}: ${outcome}`).toBe('unavailable')
          expect(send.outcome.retryAfterMs, `${send.text}: ${outcome}`).toBeGreaterThan(0)
        }
      }
      // Without the database nothing can be stored: the outage was told, not hidden.
      if (fault === 'postgres-stop') {
        expect(sends.some((s) => s.outcome.kind === 'refused')).toBe(true)
      }
      // What the page's outbox does with a refused send: again, same clientId, after the hint.
      for (const send of sends) {
        if (send.outcome.kind === 'ok') continue
        await expect
          .poll(
            async () => {
              send.outcome = await members[send.from].send(send.text, send.clientId)
              return send.outcome.kind
            },
            { timeout: 30_000, intervals: [1000] },
          )
          .toBe('ok')
      }
      // Each message stored exactly once, and seen by the other member without a reload.
      const stored = await storedCounts(faults.postgres.url, room)
      for (const send of sends) expect(stored.get(send.clientId), send.text).toBe(1)
      for (const [member, other] of [
        ['ada', 'bob'],
        ['bob', 'ada'],
      ] as const) {
        await expect
          .poll(
            () =>
              sends
                .filter((s) => s.from === other)
                .flatMap((s) =>
                  s.outcome.kind === 'ok' && !members[member].seen.has(s.outcome.message.id)
                    ? [s.text]
                    : [],
                ),
            { timeout: 15_000, message: `messages ${member} never got` },
          )
          .toEqual([])
      }
    },
    async close() {
      members.ada.close()
      members.bob.close()
    },
  }
}
