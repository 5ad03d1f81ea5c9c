import { createSessionToken } from '@duplex/auth'
import type { ClientToServerEvents, ServerToClientEvents } from '@duplex/protocol/chat'
import type { SessionUser } from '@duplex/protocol/session'
import { io as connectClient, type Socket } from 'socket.io-client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sleep, waitFor } from '@duplex/testing/wait'
import { TEST_SESSION_SECRET } from '@duplex/testing/session'
import { startTestServer, testModes, type TestServer } from '../../test-helpers.ts'

type Client = Socket<ServerToClientEvents, ClientToServerEvents>

const ada: SessionUser = { id: 'u_ada', name: 'Ada' }
const bob: SessionUser = { id: 'u_bob', name: 'Bob' }

// Every contract holds in both modes: one process over SQLite, and cluster mode (PostgreSQL,
// Redis adapter, presence and rate limits in Redis) with a single instance.
describe.each(await testModes())('$mode mode', ({ mode, skip }) => {
  let server: TestServer
  const clients: Client[] = []

  beforeEach(async (context) => {
    if (skip) return context.skip()
    server = await startTestServer({ mode })
  })

  afterEach(async () => {
    if (skip) return
    for (const client of clients.splice(0)) client.disconnect()
    await server.cleanup()
  })

  function open(options: {
    token?: string
    headers?: Record<string, string>
    reconnection?: boolean
  }): Client {
    const client: Client = connectClient(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: options.reconnection ?? false,
      ...(options.token ? { auth: { token: options.token } } : {}),
      ...(options.headers ? { extraHeaders: options.headers } : {}),
    })
    clients.push(client)
    return client
  }

  async function connect(user: SessionUser): Promise<Client> {
    const client = open({ token: await server.token(user) })
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve)
      client.once('connect_error', reject)
    })
    return client
  }

  function connectError(client: Client): Promise<Error> {
    return new Promise((resolve, reject) => {
      client.once('connect', () => reject(new Error('connected, but should have been refused')))
      client.once('connect_error', resolve)
    })
  }

  async function join(client: Client, roomId = 'general') {
    const ack = await client.emitWithAck('join-room', { roomId })
    if (!ack.ok) throw new Error(`join failed: ${ack.error.message}`)
    return ack
  }

  /** Collects every event of one name a client receives. */
  function collect<E extends keyof ServerToClientEvents>(client: Client, event: E) {
    const seen: Parameters<ServerToClientEvents[E]>[0][] = []
    // The listener type of a generic event name is too wide for TS to check here.
    client.on(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) =>
      seen.push(payload)) as never)
    return seen
  }

  describe('chat over Socket.IO', () => {
    it('delivers a message to the other user in the room, stored with a server id and time', async () => {
      const a = await connect(ada)
      const b = await connect(bob)
      await join(a)
      await join(b)
      const received = collect(b, 'room-message')
      const before = Date.now()
      const ack = await a.emitWithAck('send-message', {
        roomId: 'general',
        text: 'hello Bob',
        clientId: 'm-1',
      })
      expect(ack).toEqual({
        ok: true,
        message: {
          id: expect.any(Number),
          seq: 1,
          roomId: 'general',
          userId: 'u_ada',
          userName: 'Ada',
          text: 'hello Bob',
          ts: expect.any(Number),
          clientId: 'm-1',
        },
      })
      if (!ack.ok) return
      expect(ack.message.ts).toBeGreaterThanOrEqual(before)
      await waitFor(() => received.length === 1, 'Bob to receive the message')
      expect(received[0]).toEqual(ack.message)

      // And it is history now, for whoever joins next.
      const c = await connect({ id: 'u_cy', name: 'Cy' })
      expect((await join(c)).history).toEqual([ack.message])
    })

    it('acks an invalid payload with invalid, naming the field, and keeps serving', async () => {
      const a = await connect(ada)
      await join(a)
      const ack = await a.emitWithAck('send-message', {
        roomId: 'general',
        text: 42,
        clientId: 'x',
      } as never)
      expect(ack).toEqual({
        ok: false,
        error: { code: 'invalid', message: expect.stringMatching(/^text: /) },
      })
      const badRoom = await a.emitWithAck('join-room', { roomId: 'Not A Slug' })
      expect(badRoom.ok === false && badRoom.error.message).toMatch(/^roomId: /)
      const notAnObject = await a.emitWithAck('join-room', 'general' as never)
      expect(notAnObject.ok === false && notAnObject.error.code).toBe('invalid')

      // No ack at all, or something that is not a function where the ack goes: nothing to answer, no crash.
      const emitRaw = a.emit.bind(a) as (...args: unknown[]) => void
      emitRaw('send-message', { roomId: 'general', text: 'no ack', clientId: 'n-1' })
      emitRaw('join-room', { roomId: 'general' }, 'not a function')
      emitRaw('typing')
      emitRaw('send-message', null, () => undefined)

      const still = await a.emitWithAck('send-message', {
        roomId: 'general',
        text: 'still here',
        clientId: 'm-2',
      })
      expect(still.ok).toBe(true)
      const health = await fetch(`${server.url}/healthz`)
      expect(health.status).toBe(200)
    })

    it('disconnects every socket of a session when it expires, even after one of them left', async () => {
      // The tabs of one session share its expiry (and, on the server, one timer).
      const { token } = await createSessionToken(ada, TEST_SESSION_SECRET, { ttlSeconds: 2 })
      const tabs = [open({ token }), open({ token }), open({ token })]
      await Promise.all(
        tabs.map((tab) => new Promise<void>((resolve) => tab.once('connect', () => resolve()))),
      )
      const reasons: string[] = []
      for (const tab of tabs) tab.on('disconnect', (reason) => reasons.push(reason))
      // The first tab closes before the session ends; the others must still be cut.
      tabs[0]?.disconnect()
      // Another user's session, still valid, is left alone.
      const other = await connect(bob)
      await waitFor(() => reasons.length === 3, { timeoutMs: 6000 })
      expect(reasons).toEqual([
        'io client disconnect',
        'io server disconnect',
        'io server disconnect',
      ])
      expect(other.connected).toBe(true)
    })

    it('refuses a handshake without a valid session with an unauthorized connect_error', async () => {
      expect((await connectError(open({}))).message).toBe('unauthorized: no session token')

      const expired = await createSessionToken(ada, TEST_SESSION_SECRET, { ttlSeconds: 1 })
      await sleep(1100)
      expect((await connectError(open({ token: expired.token }))).message).toBe(
        'unauthorized: token expired',
      )

      const forged = await createSessionToken(ada, 'some-other-secret-of-sufficient-length!', {
        ttlSeconds: 60,
      })
      expect((await connectError(open({ token: forged.token }))).message).toBe(
        'unauthorized: invalid token',
      )

      const metrics = await (await fetch(`${server.url}/metrics`)).text()
      expect(metrics).toMatch(
        /duplex_realtime_rejected_messages_total\{transport="socketio",code="unauthorized"\} 3/,
      )
    })

    it('accepts the duplex_session cookie instead of auth.token', async () => {
      const client = open({
        headers: { cookie: `theme=dark; duplex_session=${await server.token(ada)}` },
      })
      await new Promise<void>((resolve, reject) => {
        client.once('connect', resolve)
        client.once('connect_error', reject)
      })
      expect((await join(client)).members).toEqual([{ userId: 'u_ada', userName: 'Ada' }])
    })

    it('refuses a browser origin that is not allowed', async () => {
      const client = open({
        token: await server.token(ada),
        headers: { origin: 'https://evil.example' },
      })
      await expect(connectError(client)).resolves.toBeInstanceOf(Error)
      const allowed = open({
        token: await server.token(ada),
        headers: { origin: 'http://localhost:3000' },
      })
      await new Promise<void>((resolve, reject) => {
        allowed.once('connect', resolve)
        allowed.once('connect_error', reject)
      })
    })

    it('acks too_large for a text over CHAT_MAX_LENGTH and stores nothing', async () => {
      const a = await connect(ada)
      await join(a)
      const ack = await a.emitWithAck('send-message', {
        roomId: 'general',
        text: 'x'.repeat(2001),
        clientId: 'big',
      })
      expect(ack.ok === false && ack.error.code).toBe('too_large')
      const exact = await a.emitWithAck('send-message', {
        roomId: 'general',
        text: 'x'.repeat(2000),
        clientId: 'ok',
      })
      expect(exact.ok).toBe(true)
      const history = await a.emitWithAck('load-history', { roomId: 'general' })
      expect(history.ok && history.messages.map((m) => m.clientId)).toEqual(['ok'])
    })

    it('acks not_in_room for a room the socket has not joined', async () => {
      const a = await connect(ada)
      for (const ack of [
        await a.emitWithAck('send-message', { roomId: 'general', text: 'hi', clientId: 'c' }),
        await a.emitWithAck('load-history', { roomId: 'general' }),
        await a.emitWithAck('mark-read', { roomId: 'general', messageId: 1 }),
        await a.emitWithAck('typing', { roomId: 'general', typing: true }),
      ]) {
        expect(ack.ok === false && ack.error.code).toBe('not_in_room')
      }
      await join(a)
      await a.emitWithAck('leave-room', { roomId: 'general' })
      const after = await a.emitWithAck('send-message', {
        roomId: 'general',
        text: 'hi',
        clientId: 'c',
      })
      expect(after.ok === false && after.error.code).toBe('not_in_room')
    })

    it('stores a retried clientId once, acks the same message and broadcasts it again', async () => {
      const a = await connect(ada)
      const b = await connect(bob)
      await join(a)
      await join(b)
      const received = collect(b, 'room-message')
      const payload = { roomId: 'general', text: 'only once', clientId: 'retry-me' }
      const first = await a.emitWithAck('send-message', payload)
      const second = await a.emitWithAck('send-message', payload)
      expect(second).toEqual(first)
      // A second tab of the same user retrying (e.g. after a reload) is the same message too.
      const a2 = await connect(ada)
      await join(a2)
      expect(await a2.emitWithAck('send-message', payload)).toEqual(first)
      await sleep(100)
      // Every retry reaches the room again (its first broadcast may have been lost with a dead
      // instance), always as the one stored message: clients merge by id.
      expect(received).toHaveLength(3)
      expect(new Set(received.map((m) => m.id))).toEqual(new Set([first.ok && first.message.id]))
      const history = await b.emitWithAck('load-history', { roomId: 'general' })
      expect(history.ok && history.messages).toHaveLength(1)
    })

    it('acks rate_limited for the 11th message in the window', async () => {
      const a = await connect(ada)
      await join(a)
      for (let i = 0; i < 10; i++) {
        const ack = await a.emitWithAck('send-message', {
          roomId: 'general',
          text: `m${i}`,
          clientId: `r${i}`,
        })
        expect(ack.ok).toBe(true)
      }
      const eleventh = await a.emitWithAck('send-message', {
        roomId: 'general',
        text: 'm10',
        clientId: 'r10',
      })
      expect(eleventh).toEqual({
        ok: false,
        error: {
          code: 'rate_limited',
          message: expect.stringMatching(/retry in \d+ s/),
          retryAfterMs: expect.any(Number),
        },
      })
      // Opening another tab buys no extra quota: the limit is per user.
      const a2 = await connect(ada)
      await join(a2)
      const fromTab2 = await a2.emitWithAck('send-message', {
        roomId: 'general',
        text: 'm11',
        clientId: 'r11',
      })
      expect(fromTab2.ok === false && fromTab2.error.code).toBe('rate_limited')
    })

    it('lists a user with two tabs once, and removes them only when the last tab is gone', async () => {
      const b = await connect(bob)
      await join(b)
      const joined = collect(b, 'user-joined')
      const left = collect(b, 'user-left')
      const presence = collect(b, 'presence')

      const tab1 = await connect(ada)
      const tab2 = await connect(ada)
      await join(tab1)
      const ack = await join(tab2)
      expect(ack.members).toEqual([
        { userId: 'u_bob', userName: 'Bob' },
        { userId: 'u_ada', userName: 'Ada' },
      ])
      await waitFor(() => joined.length === 1, 'user-joined')
      expect(joined).toEqual([{ roomId: 'general', userId: 'u_ada', userName: 'Ada' }])

      // One tab closes normally: Ada is still there.
      tab1.disconnect()
      await sleep(150)
      expect(left).toEqual([])
      // The other tab crashes (its connection just drops): no ghost stays behind.
      tab2.io.engine.close()
      await waitFor(() => left.length === 1, 'user-left')
      expect(left).toEqual([{ roomId: 'general', userId: 'u_ada', userName: 'Ada' }])
      expect(presence.at(-1)).toEqual({
        roomId: 'general',
        members: [{ userId: 'u_bob', userName: 'Bob' }],
      })
    })

    it('relays typing and read receipts to the others in the room', async () => {
      const a = await connect(ada)
      const b = await connect(bob)
      await join(a)
      await join(b)
      const typing = collect(b, 'user-typing')
      const receipts = collect(a, 'read-receipt')
      await a.emitWithAck('typing', { roomId: 'general', typing: true })
      await waitFor(() => typing.length === 1, 'user-typing')
      expect(typing[0]).toEqual({
        roomId: 'general',
        userId: 'u_ada',
        userName: 'Ada',
        typing: true,
      })

      const sent = await a.emitWithAck('send-message', {
        roomId: 'general',
        text: 'read me',
        clientId: 'rr',
      })
      if (!sent.ok) throw new Error('send failed')
      expect(
        await b.emitWithAck('mark-read', { roomId: 'general', messageId: sent.message.id }),
      ).toEqual({ ok: true })
      await waitFor(() => receipts.length === 1, 'read-receipt')
      expect(receipts[0]).toEqual({
        roomId: 'general',
        userId: 'u_bob',
        userName: 'Bob',
        messageId: sent.message.id,
      })
      // Marking the same message again changes nothing, so nothing is relayed.
      await b.emitWithAck('mark-read', { roomId: 'general', messageId: sent.message.id })
      const unknown = await b.emitWithAck('mark-read', { roomId: 'general', messageId: 999_999 })
      expect(unknown.ok === false && unknown.error.code).toBe('invalid')
      await sleep(100)
      expect(receipts).toHaveLength(1)
      expect((await join(b)).reads).toEqual([receipts[0]])
    })

    it('pages history with before and limit', async () => {
      server = await restartWith({ env: { CHAT_RATE_POINTS: '100' } })
      const a = await connect(ada)
      await join(a)
      for (let i = 0; i < 5; i++)
        await a.emitWithAck('send-message', { roomId: 'general', text: `m${i}`, clientId: `h${i}` })
      const latest = await a.emitWithAck('load-history', { roomId: 'general', limit: 2 })
      if (!latest.ok) throw new Error('load failed')
      expect(latest.messages.map((m) => m.text)).toEqual(['m3', 'm4'])
      expect(latest.hasMore).toBe(true)
      const older = await a.emitWithAck('load-history', {
        roomId: 'general',
        before: latest.messages[0]?.id,
        limit: 10,
      })
      expect(older.ok && older.messages.map((m) => m.text)).toEqual(['m0', 'm1', 'm2'])
      expect(older.ok && older.hasMore).toBe(false)
    })

    it('lists and creates rooms, announcing new ones', async () => {
      const a = await connect(ada)
      const b = await connect(bob)
      const created = collect(b, 'room-created')
      const ack = await a.emitWithAck('create-room', { roomId: 'design' })
      expect(ack).toEqual({
        ok: true,
        created: true,
        room: { id: 'design', name: 'design', createdAt: expect.any(Number), online: 0 },
      })
      expect((await a.emitWithAck('create-room', { roomId: 'design' })).ok).toBe(true)
      await waitFor(() => created.length === 1, 'room-created')
      const list = await b.emitWithAck('list-rooms', {})
      expect(list.ok && list.rooms.map((room) => room.id)).toEqual(['general', 'design'])
    })

    it('creates a room by name, kept as typed under a slug of its own, and refuses a bad name', async () => {
      const a = await connect(ada)
      const ack = await a.emitWithAck('create-room', { name: 'ÜBER café' })
      expect(ack).toMatchObject({
        ok: true,
        created: true,
        room: { id: 'uber-cafe', name: 'ÜBER café' },
      })
      const again = await a.emitWithAck('create-room', { name: 'ÜBER café' })
      expect(again).toMatchObject({ ok: true, created: false, room: { id: 'uber-cafe' } })
      const long = await a.emitWithAck('create-room', { name: 'x'.repeat(65) })
      expect(long).toMatchObject({ ok: false, error: { code: 'invalid' } })
      expect(!long.ok && long.error.message).toMatch(/at most 64/)
      const joined = await a.emitWithAck('join-room', { roomId: 'uber-cafe', create: false })
      expect(joined).toMatchObject({ ok: true, room: { name: 'ÜBER café' } })
    })

    it('refuses to join an unknown room with create: false, and creates nothing', async () => {
      const a = await connect(ada)
      const ack = await a.emitWithAck('join-room', { roomId: 'no-such-room', create: false })
      expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } })
      const list = await a.emitWithAck('list-rooms', {})
      expect(list.ok && list.rooms.map((room) => room.id)).toEqual(['general'])
    })

    it('numbers messages per room: the first message of every room is 1', async () => {
      const a = await connect(ada)
      await join(a)
      await a.emitWithAck('join-room', { roomId: 'other' })
      const send = (roomId: string, clientId: string) =>
        a.emitWithAck('send-message', { roomId, text: clientId, clientId })
      await send('general', 'g1')
      await send('general', 'g2')
      const first = await send('other', 'o1')
      expect(first.ok && first.message.seq).toBe(1)
    })

    it('gives a briefly dropped socket its rooms and the messages it missed', async () => {
      const a = open({ token: await server.token(ada), reconnection: true })
      await new Promise<void>((resolve) => a.once('connect', () => resolve()))
      await join(a)
      const b = await connect(bob)
      await join(b)
      const received = collect(a, 'room-message')

      // Drop Ada's transport without a clean disconnect, as a network blip would.
      a.io.engine.close()
      await waitFor(() => !a.connected, 'Ada to drop')
      const sent = await b.emitWithAck('send-message', {
        roomId: 'general',
        text: 'while you were away',
        clientId: 'away',
      })
      await waitFor(() => a.connected, 'Ada to reconnect')
      expect(a.recovered).toBe(true)
      await waitFor(() => received.length === 1, 'the missed message')
      expect(sent.ok && received[0]).toEqual(sent.ok && sent.message)
      // And she is still in the room without joining again.
      const again = await a.emitWithAck('send-message', {
        roomId: 'general',
        text: 'back',
        clientId: 'back',
      })
      expect(again.ok).toBe(true)
    })
  })

  async function restartWith(options: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
    await server.cleanup()
    return startTestServer({ ...options, mode })
  }
})
