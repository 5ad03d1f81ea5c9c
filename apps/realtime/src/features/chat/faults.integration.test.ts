import type { ClientToServerEvents, ServerToClientEvents } from '@duplex/protocol/chat'
import type { SessionUser } from '@duplex/protocol/session'
import { io as connectClient, type Socket } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import { waitFor } from '@duplex/testing/wait'
import { startTestServer, type TestServer } from '../../test-helpers.ts'

type Client = Socket<ServerToClientEvents, ClientToServerEvents>

const ada: SessionUser = { id: 'u_ada', name: 'Ada' }
const bob: SessionUser = { id: 'u_bob', name: 'Bob' }

describe('POST /api/faults', () => {
  let server: TestServer | undefined
  const clients: Client[] = []

  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect()
    await server?.cleanup()
    server = undefined
  })

  async function connect(user: SessionUser): Promise<Client> {
    if (!server) throw new Error('no server')
    const client: Client = connectClient(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 50,
      auth: { token: await server.token(user) },
    })
    clients.push(client)
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve)
      client.once('connect_error', reject)
    })
    return client
  }

  async function inject(user: SessionUser | undefined, body: unknown) {
    if (!server) throw new Error('no server')
    const response = await fetch(`${server.url}/api/faults`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(user ? { Authorization: `Bearer ${await server.token(user)}` } : {}),
      },
      body: JSON.stringify(body),
    })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }

  it("drops the caller's own socket; it recovers its session and gets what it missed", async () => {
    server = await startTestServer({ env: { CHAT_RECOVERY_WINDOW_MS: '60000' } })
    const client = await connect(ada)
    const bobs = await connect(bob)
    for (const c of [client, bobs]) await c.emitWithAck('join-room', { roomId: 'general' })
    const id = client.id
    const reasons: string[] = []
    const texts: string[] = []
    client.on('disconnect', (reason) => reasons.push(reason))
    client.on('room-message', (message) => texts.push(message.text))
    // Recovery resumes from the last broadcast this socket received: make sure there is one.
    await bobs.emitWithAck('send-message', { roomId: 'general', text: 'before', clientId: 'b1' })
    await waitFor(() => texts.length === 1)

    const answer = await inject(ada, { transport: 'socketio', connectionId: id, fault: 'drop' })
    expect(answer).toMatchObject({ status: 202, body: { connectionId: id, fault: 'drop' } })
    await waitFor(() => reasons.length === 1)
    await bobs.emitWithAck('send-message', {
      roomId: 'general',
      text: 'while away',
      clientId: 'b2',
    })

    await waitFor(() => client.connected && texts.length === 2)
    expect(reasons).toEqual(['transport close'])
    expect(client.recovered).toBe(true)
    expect(client.id).toBe(id)
    expect(texts).toEqual(['before', 'while away'])
  })

  it("cannot touch another user's socket, and names nothing about it", async () => {
    server = await startTestServer()
    const client = await connect(ada)
    let dropped = false
    client.on('disconnect', () => (dropped = true))

    const answer = await inject(bob, {
      transport: 'socketio',
      connectionId: client.id,
      fault: 'drop',
    })
    expect(answer).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } })
    expect(client.connected && !dropped).toBe(true)
  })

  it('asks for a session and a valid request', async () => {
    server = await startTestServer()
    const client = await connect(ada)
    expect(
      await inject(undefined, { transport: 'socketio', connectionId: client.id, fault: 'drop' }),
    ).toMatchObject({ status: 401 })
    const bad = await inject(ada, { transport: 'socketio', connectionId: client.id, fault: 'melt' })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toMatch(/fault/)
    // restart is an event-stream fault: a socket has no retry: hint to follow.
    expect(
      await inject(ada, { transport: 'socketio', connectionId: client.id, fault: 'restart' }),
    ).toMatchObject({ status: 400, body: { error: { code: 'unsupported' } } })
  })

  it('rate limits each user', async () => {
    server = await startTestServer({ env: { FAULTS_RATE_POINTS: '2', FAULTS_STALL_MS: '100' } })
    const client = await connect(ada)
    const stall = { transport: 'socketio', connectionId: client.id, fault: 'stall' }
    expect((await inject(ada, stall)).status).toBe(202)
    expect((await inject(ada, stall)).status).toBe(202)
    const refused = await inject(ada, stall)
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } })
  })

  it('applies nothing with FAULTS_ENABLED=false', async () => {
    server = await startTestServer({ env: { FAULTS_ENABLED: 'false' } })
    const client = await connect(ada)
    const settings = (await (await fetch(`${server.url}/api/faults`)).json()) as {
      enabled: boolean
    }
    expect(settings.enabled).toBe(false)
    const answer = await inject(ada, {
      transport: 'socketio',
      connectionId: client.id,
      fault: 'drop',
    })
    expect(answer).toMatchObject({ status: 403, body: { error: { code: 'faults_disabled' } } })
    expect(client.connected).toBe(true)
  })
})
