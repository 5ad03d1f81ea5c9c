import type { ClientToServerEvents, ServerToClientEvents } from '@duplex/protocol/chat'
import { createProxyTrust } from '@duplex/cluster'
import type { SessionUser } from '@duplex/protocol/session'
import { io as connectClient, type Socket } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import { waitFor } from '@duplex/testing/wait'
import { startTestServer, testModes, type TestServer } from '../../test-helpers.ts'

type Client = Socket<ServerToClientEvents, ClientToServerEvents>

const ada: SessionUser = { id: 'u_ada', name: 'Ada' }
const bob: SessionUser = { id: 'u_bob', name: 'Bob' }

// Each limit of the chat is crossed once: the client sees the documented refusal, the server
// keeps answering /healthz, and what it had accepted before is still there.
describe.each(await testModes())('chat limits ($mode mode)', ({ mode, skip }) => {
  let server: TestServer | undefined
  const clients: Client[] = []

  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect()
    await server?.cleanup()
    server = undefined
  })

  async function start(env: Record<string, string>, extra = {}): Promise<TestServer> {
    server = await startTestServer({ mode, env, ...extra })
    return server
  }

  async function connect(
    running: TestServer,
    user: SessionUser,
    headers?: Record<string, string>,
  ): Promise<Client> {
    const client: Client = connectClient(running.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: await running.token(user) },
      ...(headers && { extraHeaders: headers }),
    })
    clients.push(client)
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve)
      client.once('connect_error', reject)
    })
    return client
  }

  async function healthy(running: TestServer): Promise<void> {
    const response = await fetch(`${running.url}/healthz`)
    expect(response.status).toBe(200)
  }

  it('refuses reads past CHAT_READ_RATE_POINTS with rate_limited', { skip }, async () => {
    const running = await start({ CHAT_READ_RATE_POINTS: '5' })
    const a = await connect(running, ada)
    const acks = []
    for (let i = 0; i < 7; i++) acks.push(await a.emitWithAck('list-rooms', {}))
    expect(acks.slice(0, 5).every((ack) => ack.ok)).toBe(true)
    expect(acks[5]).toMatchObject({
      ok: false,
      error: { code: 'rate_limited', message: expect.stringMatching(/at most 5 reads per/) },
    })
    await healthy(running)
  })

  it('charges a replayed clientId like a new message', { skip }, async () => {
    const running = await start({ CHAT_RATE_POINTS: '3' })
    const a = await connect(running, ada)
    const b = await connect(running, bob)
    await a.emitWithAck('join-room', { roomId: 'general' })
    await b.emitWithAck('join-room', { roomId: 'general' })
    const relayed: unknown[] = []
    b.on('room-message', (message) => relayed.push(message))
    const send = () =>
      a.emitWithAck('send-message', { roomId: 'general', text: 'hello', clientId: 'same' })
    const first = await send()
    expect(first.ok).toBe(true)
    expect((await send()).ok).toBe(true)
    expect((await send()).ok).toBe(true)
    const fourth = await send()
    expect(fourth).toMatchObject({ ok: false, error: { code: 'rate_limited' } })
    // Two replays were relayed, the refused one was not.
    await waitFor(() => relayed.length === 3)
    expect(relayed).toHaveLength(3)
    await healthy(running)
    const history = await b.emitWithAck('load-history', { roomId: 'general' })
    expect(history.ok && history.messages.map((m) => m.text)).toEqual(['hello'])
  })

  it('bounds what several sessions from one address may send together', { skip }, async () => {
    const running = await start({ CHAT_RATE_POINTS: '2', CHAT_RATE_IP_FACTOR: '2' })
    const results: string[] = []
    for (const n of [1, 2, 3]) {
      const client = await connect(running, { id: `u_sock${n}`, name: `Sock ${n}` })
      await client.emitWithAck('join-room', { roomId: 'general' })
      for (let i = 0; i < 2; i++) {
        const ack = await client.emitWithAck('send-message', {
          roomId: 'general',
          text: `from ${n}`,
          clientId: `c${n}-${i}`,
        })
        results.push(ack.ok ? 'ok' : ack.error.code)
        if (!ack.ok) expect(ack.error.message).toMatch(/from one address/)
      }
    }
    // Two users' worth from one address: the third sock puppet gets nothing through.
    expect(results).toEqual(['ok', 'ok', 'ok', 'ok', 'rate_limited', 'rate_limited'])
    await healthy(running)
  })

  /** Three users sending their whole budget, each claiming its own address in X-Forwarded-For. */
  async function sendAsThreeClaimedAddresses(running: TestServer): Promise<string[]> {
    const results: string[] = []
    for (const n of [1, 2, 3]) {
      const client = await connect(
        running,
        { id: `u_far${n}`, name: `Far ${n}` },
        { 'X-Forwarded-For': `203.0.113.${n}` },
      )
      await client.emitWithAck('join-room', { roomId: 'general' })
      for (let i = 0; i < 2; i++) {
        const ack = await client.emitWithAck('send-message', {
          roomId: 'general',
          text: `from ${n}`,
          clientId: `f${n}-${i}`,
        })
        results.push(ack.ok ? 'ok' : ack.error.code)
      }
    }
    return results
  }

  it(
    'counts a direct client that forges X-Forwarded-For by its own address',
    { skip },
    async () => {
      // TRUSTED_PROXIES unset: 127.0.0.1 is a client like any other, and its header is a claim.
      const running = await start({ CHAT_RATE_POINTS: '2', CHAT_RATE_IP_FACTOR: '2' })
      expect(await sendAsThreeClaimedAddresses(running)).toEqual([
        ...['ok', 'ok', 'ok', 'ok'],
        ...['rate_limited', 'rate_limited'],
      ])
    },
  )

  it(
    'behind a trusted proxy, gives each client it names a budget of its own',
    { skip },
    async () => {
      // These sockets come from 127.0.0.1, as through nginx on the same host.
      const running = await start(
        { CHAT_RATE_POINTS: '2', CHAT_RATE_IP_FACTOR: '2' },
        { trustedProxies: createProxyTrust(['127.0.0.1']) },
      )
      expect(await sendAsThreeClaimedAddresses(running)).toEqual(Array(6).fill('ok'))
      await healthy(running)
    },
  )

  it(
    'refuses rooms past CHAT_MAX_ROOMS with limit_reached and keeps the others',
    { skip },
    async () => {
      const running = await start({ CHAT_MAX_ROOMS: '3' })
      const a = await connect(running, ada)
      expect((await a.emitWithAck('create-room', { roomId: 'one' })).ok).toBe(true)
      expect((await a.emitWithAck('create-room', { roomId: 'two' })).ok).toBe(true)
      const third = await a.emitWithAck('create-room', { roomId: 'three' })
      expect(third).toMatchObject({ ok: false, error: { code: 'limit_reached' } })
      const joined = await a.emitWithAck('join-room', { roomId: 'four' })
      expect(joined).toMatchObject({ ok: false, error: { code: 'limit_reached' } })
      // An existing room is still joinable.
      expect((await a.emitWithAck('join-room', { roomId: 'two' })).ok).toBe(true)
      const list = await a.emitWithAck('list-rooms', {})
      expect(list.ok && list.rooms.map((room) => room.id)).toEqual(['general', 'one', 'two'])
      await healthy(running)
    },
  )

  it('refuses room creation past CHAT_CREATE_RATE_POINTS', { skip }, async () => {
    const running = await start({ CHAT_CREATE_RATE_POINTS: '2' })
    const a = await connect(running, ada)
    expect((await a.emitWithAck('create-room', { roomId: 'one' })).ok).toBe(true)
    expect((await a.emitWithAck('join-room', { roomId: 'two' })).ok).toBe(true)
    const third = await a.emitWithAck('join-room', { roomId: 'three' })
    expect(third).toMatchObject({
      ok: false,
      error: { code: 'rate_limited', message: expect.stringMatching(/new rooms/) },
    })
    // Joining a room that exists is a read, not a creation.
    expect((await a.emitWithAck('join-room', { roomId: 'one' })).ok).toBe(true)
    await healthy(running)
  })

  it('pages list-rooms with after and limit', { skip }, async () => {
    const running = await start({ CHAT_CREATE_RATE_POINTS: '10' })
    const a = await connect(running, ada)
    for (const id of ['r1', 'r2', 'r3', 'r4'])
      expect((await a.emitWithAck('create-room', { roomId: id })).ok).toBe(true)
    const seen: string[] = []
    let after: string | undefined
    for (let page = 0; page < 5; page++) {
      const ack = await a.emitWithAck('list-rooms', { limit: 2, ...(after && { after }) })
      if (!ack.ok) throw new Error(ack.error.message)
      seen.push(...ack.rooms.map((room) => room.id))
      after = ack.rooms.at(-1)?.id
      if (!ack.hasMore) break
    }
    expect(seen).toEqual(['general', 'r1', 'r2', 'r3', 'r4'])
    const tooBig = await a.emitWithAck('list-rooms', { limit: 10_000 })
    expect(tooBig).toMatchObject({ ok: false, error: { code: 'invalid' } })
  })
})

/** A raw Engine.IO long-polling client: it polls only when told to, so it can stop reading. */
async function pollingClient(url: string, token: string) {
  const base = `${url}/socket.io/?EIO=4&transport=polling`
  const open = await (await fetch(base)).text()
  const { sid } = JSON.parse(open.slice(1)) as { sid: string }
  const at = `${base}&sid=${sid}`
  const post = (body: string) => fetch(at, { method: 'POST', body }).then((r) => r.text())
  const poll = async () => (await (await fetch(at)).text()).split('\x1e')
  await post(`40${JSON.stringify({ token })}`)
  return { post, poll }
}

describe('a Socket.IO client that stops reading', () => {
  let server: TestServer | undefined
  afterEach(async () => {
    await server?.cleanup()
  })

  it('is disconnected with slow_consumer past SOCKETIO_MAX_BUFFERED_BYTES, and the server stays up', async () => {
    server = await startTestServer({
      socketIoMaxBufferedBytes: 16_384,
      env: { CHAT_RATE_POINTS: '100' },
    })
    const reader = await pollingClient(server.url, await server.token(bob))
    expect((await reader.poll())[0]).toMatch(/^40/)
    await reader.post('421["join-room",{"roomId":"general"}]')
    await waitFor(async () => (await reader.poll()).some((packet) => packet.startsWith('431')))
    // From here on the reader never polls: everything for it waits on the server.
    const writer: Client = connectClient(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: await server.token(ada) },
    })
    try {
      await writer.emitWithAck('join-room', { roomId: 'general' })
      const text = 'x'.repeat(1900)
      for (let i = 0; i < 12; i++) {
        const ack = await writer.emitWithAck('send-message', {
          roomId: 'general',
          text,
          clientId: `big-${i}`,
        })
        expect(ack.ok).toBe(true)
      }
      const running = server
      await waitFor(async () => {
        const health = (await (await fetch(`${running.url}/healthz`)).json()) as {
          connections: { socketio: number }
        }
        return health.connections.socketio === 1
      })
      // What the reader finds when it finally polls: why, then the server's disconnect.
      const packets = await reader.poll()
      expect(
        packets.some((p) => p.startsWith('42["disconnect-reason",{"code":"slow_consumer"')),
      ).toBe(true)
      expect(packets.at(-1)).toBe('41')
      // The writer is unaffected and every message was stored.
      const history = await writer.emitWithAck('load-history', { roomId: 'general', limit: 20 })
      expect(history.ok && history.messages).toHaveLength(12)
    } finally {
      writer.disconnect()
    }
  })
})
