import { COLLAB_TEXT_KEY, CollabCloseCode } from '@duplex/protocol/collab'
import type { SessionUser } from '@duplex/protocol/session'
import * as encoding from 'lib0/encoding'
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { waitFor } from '@duplex/testing/wait'
import type { Logger } from '../../shared/log.ts'
import { startTestServer, type TestServer } from '../../test-helpers.ts'
import { openDocs } from './test-docs.ts'
import { FALLBACK_CURSOR_COLOR } from './yjs-edge.ts'

const ada: SessionUser = { id: 'u_ada', name: 'Ada' }
const mallory: SessionUser = { id: 'u_mallory', name: 'Mallory' }

type ProviderOptions = NonNullable<ConstructorParameters<typeof WebsocketProvider>[3]>

/** A y-websocket awareness frame, by hand, so a test can claim any client id and state. */
export function awarenessFrame(
  entries: { clientId: number; clock: number; state: unknown }[],
): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, entries.length)
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(inner, clientId)
    encoding.writeVarUint(inner, clock)
    encoding.writeVarString(inner, JSON.stringify(state))
  }
  const frame = encoding.createEncoder()
  encoding.writeVarUint(frame, 1)
  encoding.writeVarUint8Array(frame, encoding.toUint8Array(inner))
  return encoding.toUint8Array(frame)
}

/** A sync "update" frame carrying `update`. */
export function updateFrame(update: Uint8Array): Uint8Array {
  const frame = encoding.createEncoder()
  encoding.writeVarUint(frame, 0)
  encoding.writeVarUint(frame, 2)
  encoding.writeVarUint8Array(frame, update)
  return encoding.toUint8Array(frame)
}

/** A logger that keeps what was logged (`<level>: <message> <details>`), to count lines. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const keeper =
    (level: string) =>
    (message: string, ...details: unknown[]) =>
      void lines.push([`${level}: ${message}`, ...details.map(String)].join(' '))
  return { lines, info: keeper('info'), warn: keeper('warn'), error: keeper('error') }
}

// Each limit of the Yjs edge is crossed once: the client sees the documented close code or HTTP
// status, /healthz still answers, and what was stored before is still there.
describe('the Yjs edge', () => {
  const servers: TestServer[] = []
  const providers: WebsocketProvider[] = []
  const sockets: WebSocket[] = []

  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    for (const socket of sockets.splice(0)) socket.terminate()
    for (const server of servers.splice(0)) await server.cleanup()
  })

  async function start(options: Parameters<typeof startTestServer>[0] = {}) {
    const server = await startTestServer(options)
    servers.push(server)
    return server
  }

  async function openDoc(server: TestServer, user: SessionUser, docName: string) {
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(`ws://127.0.0.1:${server.port}/yjs`, docName, doc, {
      params: { token: await server.token(user) },
      WebSocketPolyfill: WebSocket as unknown as ProviderOptions['WebSocketPolyfill'],
      disableBc: true,
    })
    providers.push(provider)
    await waitFor(() => provider.synced, `${user.name} to sync ${docName}`)
    return { doc, provider, text: doc.getText(COLLAB_TEXT_KEY) }
  }

  /** A raw connection that records how it was closed, or the HTTP status it was refused with. */
  async function postDoc(server: TestServer, user: SessionUser, name: string) {
    return fetch(`${server.url}/api/docs`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${await server.token(user)}`,
      },
      body: JSON.stringify({ name }),
    })
  }

  async function raw(server: TestServer, user: SessionUser, docName: string) {
    const token = await server.token(user)
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/yjs/${docName}?token=${token}`)
    sockets.push(socket)
    const outcome = { status: 0, closeCode: 0, opened: false, received: [] as Uint8Array[] }
    const refused = new Promise<'refused'>((resolve) =>
      socket.on('unexpected-response', (req, res) => {
        outcome.status = res.statusCode ?? 0
        res.resume()
        req.destroy()
        resolve('refused')
      }),
    )
    socket.on('message', (data: Buffer) => outcome.received.push(new Uint8Array(data)))
    socket.on('error', () => undefined)
    const closed = new Promise<void>((resolve) =>
      socket.on('close', (code) => {
        outcome.closeCode = code
        resolve()
      }),
    )
    const settled = await Promise.race([
      new Promise<'open'>((resolve) => socket.once('open', () => resolve('open'))),
      closed.then(() => 'closed' as const),
      refused,
    ])
    outcome.opened = settled === 'open'
    return { socket, outcome, closed }
  }

  async function healthy(server: TestServer) {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  }

  it('binds awareness to the connection: no spoofed name, colour or client id reaches others', async () => {
    const server = await start()
    const victim = await openDoc(server, ada, 'spoof')
    victim.provider.awareness.setLocalStateField('user', {
      id: ada.id,
      name: ada.name,
      color: '#1d4ed8',
    })
    const observer = await openDoc(server, { id: 'u_obs', name: 'Observer' }, 'spoof')
    await waitFor(() => observer.provider.awareness.getStates().has(victim.doc.clientID))
    const attacker = await raw(server, mallory, 'spoof')
    const css = 'red;position:fixed;inset:0;background:url(https://evil.example/x)'
    const ownId = 4242
    attacker.socket.send(
      awarenessFrame([
        { clientId: ownId, clock: 1, state: { user: { id: ada.id, name: 'Ada', color: css } } },
      ]),
    )
    // Overwriting and removing the victim's entry: both ignored.
    attacker.socket.send(
      awarenessFrame([
        { clientId: victim.doc.clientID, clock: 99, state: { user: { name: 'Ada', color: css } } },
      ]),
    )
    attacker.socket.send(
      awarenessFrame([{ clientId: victim.doc.clientID, clock: 100, state: null }]),
    )
    const states = observer.provider.awareness.getStates()
    await waitFor(() => states.has(ownId), 'the attacker’s own cursor to arrive')
    expect(states.get(ownId)?.user).toEqual({
      id: mallory.id,
      name: mallory.name,
      color: FALLBACK_CURSOR_COLOR,
      colorLight: `${FALLBACK_CURSOR_COLOR}33`,
    })
    // Both frames after the first were dropped; a later legitimate victim update still shows.
    victim.provider.awareness.setLocalStateField('cursor', { at: 1 })
    await waitFor(() => (states.get(victim.doc.clientID)?.cursor as { at?: number })?.at === 1)
    expect(states.get(victim.doc.clientID)?.user).toMatchObject({ name: 'Ada', color: '#1d4ed8' })
    expect(attacker.outcome.closeCode).toBe(0)
    await healthy(server)
  })

  it('ignores awareness past its rate and past YJS_AWARENESS_MAX_BYTES', async () => {
    const server = await start({
      env: {
        YJS_AWARENESS_RATE_POINTS: '3',
        YJS_AWARENESS_RATE_SECONDS: '3600',
        YJS_AWARENESS_MAX_BYTES: '256',
      },
    })
    const observer = await openDoc(server, ada, 'rate')
    const seen: number[] = []
    observer.provider.awareness.on('change', () => {
      const state = observer.provider.awareness.getStates().get(7)
      if (state) seen.push(state.n as number)
    })
    const attacker = await raw(server, mallory, 'rate')
    attacker.socket.send(
      awarenessFrame([{ clientId: 7, clock: 1, state: { big: 'x'.repeat(400) } }]),
    )
    for (let n = 1; n <= 10; n++) {
      attacker.socket.send(awarenessFrame([{ clientId: 7, clock: n + 1, state: { n } }]))
    }
    await waitFor(() => seen.includes(3))
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    await waitFor(async () =>
      /rejected_messages_total\{transport="yjs",code="awareness_rate"\} 7/.test(
        await (await fetch(`${server.url}/metrics`)).text(),
      ),
    )
    expect(metrics).toMatch(/rejected_messages_total\{transport="yjs",code="awareness_refused"\} 1/)
    expect(Math.max(...seen)).toBe(3)
    await healthy(server)
  })

  it('closes a connection that sends malformed frames with 4400, logging it once', async () => {
    const log = recordingLogger()
    const server = await start({ log })
    const writer = await openDoc(server, ada, 'kept')
    writer.text.insert(0, 'stays')
    const attacker = await raw(server, mallory, 'kept')
    for (let i = 0; i < 50; i++) attacker.socket.send(Uint8Array.from([0, 2, 200, 1, 2, 3]))
    await attacker.closed
    expect(attacker.outcome.closeCode).toBe(CollabCloseCode.protocolError.code)
    expect(log.lines.filter((line) => line.includes('4400'))).toHaveLength(1)
    const text = await raw(server, mallory, 'kept2')
    text.socket.send('hello')
    await text.closed
    expect(text.outcome.closeCode).toBe(CollabCloseCode.protocolError.code)
    await healthy(server)
    expect(writer.text.toString()).toBe('stays')
    const docs = await openDocs(server.storageOptions)
    try {
      await waitFor(async () => (await docs.loadDocUpdates('kept')).length > 0)
      const stored = new Y.Doc()
      for (const update of await docs.loadDocUpdates('kept')) Y.applyUpdate(stored, update)
      expect(stored.getText(COLLAB_TEXT_KEY).toString()).toBe('stays')
    } finally {
      await docs.close()
    }
  })

  it('says nothing when a browser resets its connection, as leaving a page does (issue 13, bug 8)', async () => {
    const log = recordingLogger()
    const server = await start({ log })
    const token = await server.token(ada)
    const yjsConnections = async () =>
      ((await (await fetch(`${server.url}/healthz`)).json()) as { connections: { yjs: number } })
        .connections.yjs
    // A raw TCP client speaks the handshake, waits for the 101, then resets the connection (an RST,
    // not a close frame): what a tab that navigates away mid-stream looks like to the server.
    const tcp = connect(server.port, '127.0.0.1')
    const switched = new Promise<void>((resolve) =>
      tcp.on('data', (chunk) => {
        if (chunk.toString('latin1').startsWith('HTTP/1.1 101')) resolve()
      }),
    )
    tcp.write(
      [
        `GET /yjs/left-behind?token=${token} HTTP/1.1`,
        `Host: 127.0.0.1:${server.port}`,
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        '',
        '',
      ].join('\r\n'),
    )
    await switched
    await waitFor(async () => (await yjsConnections()) === 1, 'the connection to count')
    tcp.resetAndDestroy()
    // The server has seen the reset once the connection is gone from its count.
    await waitFor(async () => (await yjsConnections()) === 0, 'the reset connection to go')
    expect(log.lines.filter((line) => !line.startsWith('info:'))).toEqual([])
    await healthy(server)
  })

  it('refuses a frame over YJS_MAX_FRAME_BYTES (1009) and an update past YJS_MAX_DOC_BYTES (4413)', async () => {
    const server = await start({
      env: { YJS_MAX_FRAME_BYTES: '4096', YJS_MAX_DOC_BYTES: '2048' },
    })
    const big = await raw(server, mallory, 'capped')
    big.socket.send(new Uint8Array(5000))
    await big.closed
    expect(big.outcome.closeCode).toBe(1009)

    const writer = await openDoc(server, ada, 'capped')
    writer.text.insert(0, 'small and stored')
    const source = new Y.Doc()
    source.getText(COLLAB_TEXT_KEY).insert(0, 'y'.repeat(3000))
    const grower = await raw(server, mallory, 'capped')
    grower.socket.send(updateFrame(Y.encodeStateAsUpdate(source)))
    await grower.closed
    expect(grower.outcome.closeCode).toBe(CollabCloseCode.docTooLarge.code)
    expect(writer.text.toString()).toBe('small and stored')
    await healthy(server)
  })

  it('holds each user to YJS_DOC_QUOTA and YJS_CREATE_RATE_POINTS, at both doors', async () => {
    const server = await start({ env: { YJS_DOC_QUOTA: '3', YJS_CREATE_RATE_POINTS: '2' } })
    expect((await raw(server, mallory, 'm1')).outcome.opened).toBe(true)
    expect((await raw(server, mallory, 'm2')).outcome.opened).toBe(true)
    const third = await raw(server, mallory, 'm3')
    expect(third.outcome).toMatchObject({ opened: false, status: 429 })
    // Someone else's budget is their own, and opening an existing document is not creating one.
    expect((await postDoc(server, ada, 'a1')).status).toBe(201)
    expect((await raw(server, mallory, 'a1')).outcome.opened).toBe(true)
    // A name opened but never edited has no row: opening it again (a reconnect) is not charged.
    expect((await raw(server, mallory, 'm1')).outcome.opened).toBe(true)

    // One collab server per process (@y/websocket-server keeps module globals).
    for (const running of servers.splice(0)) await running.cleanup()
    const quotaServer = await start({ env: { YJS_DOC_QUOTA: '1' } })
    expect((await postDoc(quotaServer, mallory, 'q1')).status).toBe(201)
    const post = await postDoc(quotaServer, mallory, 'q2')
    expect(post.status).toBe(403)
    expect(await post.json()).toMatchObject({ error: { code: 'limit_reached' } })
    expect((await raw(quotaServer, mallory, 'q3')).outcome).toMatchObject({ status: 403 })
    expect((await raw(quotaServer, mallory, 'q1')).outcome.opened).toBe(true)
    await healthy(quotaServer)
  })
})
