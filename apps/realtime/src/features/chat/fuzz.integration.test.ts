import {
  AckErrorSchema,
  ClientEventSchemas,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@duplex/protocol/chat'
import type { SessionUser } from '@duplex/protocol/session'
import fc from 'fast-check'
import { io as connectClient, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../test-helpers.ts'

type Client = Socket<ServerToClientEvents, ClientToServerEvents>

/** Change it (or set FUZZ_SEED) to explore; a failure prints the seed that found it. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202)
const INPUTS = 3000

const ada: SessionUser = { id: 'u_ada', name: 'Ada' }
const mallory: SessionUser = { id: 'u_mallory', name: 'Mallory' }

const EVENTS = Object.keys(ClientEventSchemas) as (keyof typeof ClientEventSchemas)[]

/**
 * Payloads near the schemas (right keys, wrong or edge values) and far from them (anything), so
 * inputs reach the handlers as well as the validation in front of them.
 */
const roomId = fc.oneof(
  fc.constantFrom('general', 'fuzz-room', '', 'A', '-', 'x'.repeat(41), '../etc'),
  fc.string({ maxLength: 50 }),
)
const field = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 300 }),
  fc.constantFrom(null, true, [], {}, '\u0000', '\u202e', '\ud800', 2 ** 53, -1, 0),
)
const nearPayload = fc.record(
  {
    roomId,
    text: fc.oneof(fc.string({ maxLength: 2100 }), field),
    clientId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), field),
    messageId: fc.oneof(fc.integer({ min: -2, max: 1e6 }), field),
    before: field,
    limit: fc.oneof(fc.integer({ min: -5, max: 300 }), field),
    after: roomId,
    typing: fc.oneof(fc.boolean(), field),
  },
  { requiredKeys: [] },
)
const input = fc.record({
  event: fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...EVENTS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  ),
  payload: fc.oneof(
    { weight: 3, arbitrary: nearPayload },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
  ),
})

async function connect(server: TestServer, user: SessionUser): Promise<Client> {
  const client: Client = connectClient(server.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { token: await server.token(user) },
  })
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve)
    client.once('connect_error', reject)
  })
  return client
}

describe('chat under a seeded fuzz corpus', () => {
  let server: TestServer
  beforeAll(async () => {
    // Budgets high enough that the fuzzer reaches the handlers, not only the rate limiter.
    server = await startTestServer({
      env: {
        CHAT_RATE_POINTS: '10000',
        CHAT_READ_RATE_POINTS: '10000',
        CHAT_WRITE_RATE_POINTS: '10000',
        CHAT_CREATE_RATE_POINTS: '10000',
        CHAT_MAX_LENGTH: '2000',
      },
    })
  })
  afterAll(async () => {
    await server.cleanup()
  })

  it(
    `answers ${INPUTS} generated events with valid acks, stays up, and keeps what was stored`,
    { timeout: 120_000 },
    async () => {
      const author = await connect(server, ada)
      await author.emitWithAck('join-room', { roomId: 'general' })
      for (let i = 0; i < 5; i++) {
        await author.emitWithAck('send-message', {
          roomId: 'general',
          text: `kept ${i}`,
          clientId: `kept-${i}`,
        })
      }
      const before = await author.emitWithAck('load-history', { roomId: 'general', limit: 100 })
      if (!before.ok) throw new Error(before.error.message)

      const inputs = fc.sample(input, { seed: SEED, numRuns: INPUTS })
      let fuzzer = await connect(server, mallory)
      await fuzzer.emitWithAck('join-room', { roomId: 'general' })
      let acked = 0
      let unanswered = 0
      let reconnects = 0
      for (let start = 0; start < inputs.length; start += 50) {
        const batch = inputs.slice(start, start + 50)
        const answers = await Promise.all(
          batch.map(async ({ event, payload }) => {
            const emitter = fuzzer as unknown as Socket
            // Names Socket.IO reserves would be refused by the client itself, not sent.
            if (['connect', 'disconnect', 'connect_error', 'newListener'].includes(event))
              return 'skip'
            // Nobody listens for an unknown name, so nothing will answer it: sent, not awaited.
            if (!EVENTS.includes(event as (typeof EVENTS)[number])) {
              emitter.emit(event, payload)
              return 'unanswered'
            }
            try {
              return await emitter.timeout(5000).emitWithAck(event, payload)
            } catch {
              return undefined
            }
          }),
        )
        for (const [i, answer] of answers.entries()) {
          if (answer === 'skip') continue
          if (answer === 'unanswered') {
            unanswered++
            continue
          }
          expect(answer, `no ack for ${JSON.stringify(batch[i])} (seed ${SEED})`).toBeDefined()
          acked++
          const shape = answer as { ok?: unknown }
          if (shape.ok !== true) expect(AckErrorSchema.safeParse(answer).success).toBe(true)
        }
        if (!fuzzer.connected) {
          reconnects++
          fuzzer = await connect(server, mallory)
          await fuzzer.emitWithAck('join-room', { roomId: 'general' })
        }
      }
      fuzzer.disconnect()
      console.info(
        `[fuzz] Socket.IO: ${inputs.length} inputs (seed ${SEED}): ${acked} acked, ` +
          `${unanswered} unknown events unanswered, ${reconnects} reconnects`,
      )

      expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
      // What came before the fuzzer, read past whatever valid messages it added since.
      const newestKept = Math.max(...before.messages.map((m) => m.id))
      const after = await author.emitWithAck('load-history', {
        roomId: 'general',
        before: newestKept + 1,
        limit: 100,
      })
      if (!after.ok) throw new Error(after.error.message)
      expect(after.messages).toEqual(before.messages)
      author.disconnect()
    },
  )
})
