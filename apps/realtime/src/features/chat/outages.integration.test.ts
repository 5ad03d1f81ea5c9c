import type {
  ChatMessage,
  ClientToServerEvents,
  Member,
  SendMessageAck,
  ServerToClientEvents,
} from '@duplex/protocol/chat'
import type { SessionUser } from '@duplex/protocol/session'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { io as connectClient, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  startPrivatePostgres,
  startPrivateRedis,
  whyNoPrivateServices,
  type PrivatePostgres,
  type PrivateRedis,
} from '@duplex/testing/private-services'
import { freshPrefix } from '@duplex/testing/names'
import { sessionToken, TEST_SESSION_SECRET } from '@duplex/testing/session'
import { waitFor } from '@duplex/testing/wait'
import { createRealtimeServer, type RealtimeServer } from '../../server.ts'
import { silentLogger } from '../../shared/log.ts'
import { chat } from './feature.ts'

// Two chat instances in cluster mode over a PostgreSQL and a Redis of this test's own, which it
// stops and starts (never the machine's shared ones). What a user would notice: every send is
// answered within the client's ack timeout, with a code it can act on; nothing acknowledged is
// lost or stored twice; members on the other instance catch up without reconnecting.

type Client = Socket<ServerToClientEvents, ClientToServerEvents>

/** What a careful client waits for an ack (the figure; the page waits 10 s). */
const ACK_TIMEOUT_MS = 3000

const ada: SessionUser = { id: 'u_ada', name: 'Ada' }
const bob: SessionUser = { id: 'u_bob', name: 'Bob' }
const cy: SessionUser = { id: 'u_cy', name: 'Cy' }

const noPrivateServices = await whyNoPrivateServices()
if (noPrivateServices) console.warn(`[chat outages] skipped: ${noPrivateServices}`)

interface Instance {
  server: RealtimeServer
  url: string
}

describe.skipIf(noPrivateServices !== undefined)(
  'chat during store outages (two instances)',
  { timeout: 90_000 },
  () => {
    let redis: PrivateRedis
    let postgres: PrivatePostgres
    let dataDir: string
    const instances: Instance[] = []
    const clients: Client[] = []
    let a: Instance
    let b: Instance

    async function startInstance(keyPrefix: string): Promise<Instance> {
      const server = createRealtimeServer({
        port: 0,
        host: '127.0.0.1',
        dataDir,
        sessionSecret: TEST_SESSION_SECRET,
        log: silentLogger,
        // Chat only: the Yjs server library keeps module globals, one instance per process.
        features: [chat],
        cluster: {
          databaseUrl: postgres.url,
          redisUrl: redis.url,
          keyPrefix,
          instanceTimeoutMs: 5000,
        },
      })
      const { port } = await server.start()
      const instance = { server, url: `http://127.0.0.1:${port}` }
      instances.push(instance)
      return instance
    }

    async function connect(instance: Instance, user: SessionUser): Promise<Client> {
      const client: Client = connectClient(instance.url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: { token: await sessionToken(user) },
      })
      clients.push(client)
      await new Promise<void>((resolve, reject) => {
        client.once('connect', resolve)
        client.once('connect_error', reject)
      })
      return client
    }

    async function join(client: Client, roomId = 'general') {
      const ack = await client.timeout(ACK_TIMEOUT_MS).emitWithAck('join-room', { roomId })
      if (!ack.ok) throw new Error(`join failed: ${ack.error.code} ${ack.error.message}`)
      return ack
    }

    /** Sends one message and says how long its ack took; a missing ack fails the test. */
    async function send(
      client: Client,
      text: string,
      clientId: string,
    ): Promise<{ ack: SendMessageAck; ms: number }> {
      const started = Date.now()
      const ack = await client
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('send-message', { roomId: 'general', text, clientId })
      return { ack, ms: Date.now() - started }
    }

    function collect(client: Client): ChatMessage[] {
      const seen: ChatMessage[] = []
      client.on('room-message', (message) => seen.push(message))
      return seen
    }

    async function readiness(instance: Instance): Promise<{ status: number; body: unknown }> {
      const res = await fetch(`${instance.url}/readyz`)
      return { status: res.status, body: await res.json() }
    }

    async function history(client: Client): Promise<string[]> {
      const ack = await client
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('load-history', { roomId: 'general', limit: 100 })
      if (!ack.ok) throw new Error(`history failed: ${ack.error.code}`)
      return ack.messages.map((m: ChatMessage) => m.clientId)
    }

    const names = (members: Member[]) => members.map((m) => m.userName).sort()

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'duplex-chat-outages-'))
      ;[redis, postgres] = await Promise.all([
        startPrivateRedis(),
        startPrivatePostgres(`duplex_chat_outages_${process.pid}`),
      ])
      const keyPrefix = freshPrefix('chat-outages')
      a = await startInstance(keyPrefix)
      b = await startInstance(keyPrefix)
    }, 90_000)

    afterAll(async () => {
      for (const client of clients.splice(0)) client.disconnect()
      for (const { server } of instances.splice(0)) await server.stop()
      await Promise.allSettled([redis?.dispose(), postgres?.dispose()])
      if (dataDir) await rm(dataDir, { recursive: true, force: true })
    }, 60_000)

    it('keeps storing and delivering on each instance while Redis is down, and catches the other instance up when it is back', async () => {
      const adaOnA = await connect(a, ada)
      const cyOnA = await connect(a, cy)
      const bobOnB = await connect(b, bob)
      for (const client of [adaOnA, cyOnA, bobOnB]) await join(client)
      const atCy = collect(cyOnA)
      const atBob = collect(bobOnB)
      const atAda = collect(adaOnA)
      const bobPresence: Member[][] = []
      bobOnB.on('presence', ({ members }) => bobPresence.push(members))
      let bobDisconnected = false
      bobOnB.on('disconnect', () => (bobDisconnected = true))
      const bobSocketId = bobOnB.id

      // Redis restarted empty, as docker-compose and this machine run it, down for a while.
      await redis.stop()
      await waitFor(
        async () => (await readiness(a)).status === 503 && (await readiness(b)).status === 503,
        'both instances to report Redis down',
      )
      expect(await readiness(a)).toEqual({
        status: 503,
        body: { status: 'unavailable', dependencies: { database: 'up', redis: 'down' } },
      })
      // Liveness stays up: restarting the instances would not bring Redis back.
      expect((await fetch(`${a.url}/healthz`)).status).toBe(200)

      const sentDuringOutage: ChatMessage[] = []
      for (let i = 0; i < 3; i++) {
        const { ack, ms } = await send(adaOnA, `while Redis is down ${i}`, `down-${i}`)
        expect(ack.ok, JSON.stringify(ack)).toBe(true)
        expect(ms).toBeLessThan(ACK_TIMEOUT_MS)
        if (ack.ok) sentDuringOutage.push(ack.message)
      }
      const fromBob = await send(bobOnB, 'from B while Redis is down', 'down-bob')
      expect(fromBob.ack.ok).toBe(true)
      // Delivered on the same instance at once…
      await waitFor(() => atCy.length === 3, 'Cy (on A) to get the messages sent on A')
      expect(atCy.map((m) => m.clientId)).toEqual(['down-0', 'down-1', 'down-2'])
      // …but not, yet, on the other instance: a broadcast between instances needs Redis.
      expect(atBob).toEqual([])
      expect(atAda.map((m) => m.clientId)).toEqual([])

      await redis.start()
      // …and to the other instance's members once Redis is back, without reconnecting.
      await waitFor(() => sentDuringOutage.every((m) => atBob.some((seen) => seen.id === m.id)), {
        message: 'Bob (on B) to get what Ada sent on A during the outage',
        timeoutMs: 15_000,
      })
      await waitFor(() => atAda.some((m) => m.clientId === 'down-bob'), {
        message: 'Ada (on A) to get what Bob sent on B during the outage',
        timeoutMs: 15_000,
      })
      expect(bobDisconnected).toBe(false)
      expect(bobOnB.id).toBe(bobSocketId)
      // Who is here is written back to the emptied Redis.
      await waitFor(() => names(bobPresence.at(-1) ?? []).join() === 'Ada,Bob,Cy', {
        message: 'presence to list everyone again',
        timeoutMs: 15_000,
      })
      await waitFor(async () => (await readiness(a)).status === 200, 'A ready again')
      await waitFor(async () => (await readiness(b)).status === 200, 'B ready again')

      // Each acknowledged message is stored once, and live delivery works across instances again.
      const stored = await history(bobOnB)
      for (const id of ['down-0', 'down-1', 'down-2', 'down-bob']) {
        expect(stored.filter((clientId) => clientId === id)).toHaveLength(1)
      }
      const after = await send(adaOnA, 'after the outage', 'after-redis')
      expect(after.ack.ok).toBe(true)
      await waitFor(() => atBob.some((m) => m.clientId === 'after-redis'), 'Bob to get a new one')
      for (const client of [adaOnA, cyOnA, bobOnB]) client.disconnect()
    })

    it('answers every send unavailable with a retry hint while PostgreSQL is down, then accepts the same messages once', async () => {
      const adaOnA = await connect(a, ada)
      const bobOnB = await connect(b, bob)
      await join(adaOnA)
      await join(bobOnB)
      const atBob = collect(bobOnB)

      await postgres.stop()
      // More sends than the budget holds (10 per 10 s): a refused send costs no point.
      for (let i = 0; i < 12; i++) {
        const { ack, ms } = await send(adaOnA, `while PostgreSQL is down ${i}`, `pg-${i}`)
        expect(ms).toBeLessThan(ACK_TIMEOUT_MS)
        expect(ack).toEqual({
          ok: false,
          error: {
            code: 'unavailable',
            message: expect.stringMatching(/retry in 2 s/),
            retryAfterMs: 2000,
          },
        })
      }
      // Reads that need the database are answered the same way.
      const page = await adaOnA
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('load-history', { roomId: 'general' })
      expect(page.ok === false && page.error.code).toBe('unavailable')
      await waitFor(async () => {
        const { status, body } = await readiness(a)
        return status === 503 && JSON.stringify(body).includes('"database":"down"')
      }, 'A to report the database down')
      expect((await readiness(a)).body).toEqual({
        status: 'unavailable',
        dependencies: { database: 'down', redis: 'up' },
      })
      expect((await fetch(`${a.url}/healthz`)).status).toBe(200)
      expect(atBob).toEqual([])

      await postgres.start()
      await waitFor(async () => (await readiness(a)).status === 200, {
        message: 'A ready again',
        timeoutMs: 10_000,
      })
      // What the page's outbox does: the same messages, same clientIds, now accepted.
      for (let i = 0; i < 3; i++) {
        const { ack } = await send(adaOnA, `while PostgreSQL is down ${i}`, `pg-${i}`)
        expect(ack.ok, JSON.stringify(ack)).toBe(true)
        // A retry of one already stored is that message again, not a second row.
        const again = await send(adaOnA, `while PostgreSQL is down ${i}`, `pg-${i}`)
        expect(again.ack.ok && ack.ok && again.ack.message.id).toBe(ack.ok && ack.message.id)
      }
      await waitFor(() => atBob.filter((m) => m.clientId.startsWith('pg-')).length >= 3, 'Bob')
      const stored = (await history(bobOnB)).filter((id) => id.startsWith('pg-'))
      expect(stored).toEqual(['pg-0', 'pg-1', 'pg-2'])
      adaOnA.disconnect()
      bobOnB.disconnect()
    })
  },
)
