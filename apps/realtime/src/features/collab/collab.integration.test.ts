import { COLLAB_TEXT_KEY } from '@duplex/protocol/collab'
import type { SessionUser } from '@duplex/protocol/session'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { sleep, waitFor } from '@duplex/testing/wait'
import { openDocs } from './test-docs.ts'
import { makeDataDir, startTestServer, testModes, type TestServer } from '../../test-helpers.ts'

const ada: SessionUser = { id: 'u_ada', name: 'Ada' }
const bob: SessionUser = { id: 'u_bob', name: 'Bob' }

// Every contract holds in both modes: one process over SQLite, and cluster mode (PostgreSQL, Yjs
// relay through Redis) with a single instance.
describe.each(await testModes())('$mode mode', ({ mode, skip }) => {
  const servers: TestServer[] = []
  const providers: WebsocketProvider[] = []

  beforeEach((context) => {
    if (skip) context.skip()
  })

  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    for (const server of servers.splice(0)) await server.cleanup()
  })

  async function start(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
    const server = await startTestServer({ ...options, mode })
    servers.push(server)
    return server
  }

  type ProviderOptions = NonNullable<ConstructorParameters<typeof WebsocketProvider>[3]>

  /** A real y-websocket client, as the browser runs it, over the `ws` package. */
  async function openDoc(server: TestServer, user: SessionUser, docName: string) {
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(`ws://127.0.0.1:${server.port}/yjs`, docName, doc, {
      params: { token: await server.token(user) },
      WebSocketPolyfill: WebSocket as unknown as ProviderOptions['WebSocketPolyfill'],
      // Two providers in one process would otherwise sync through BroadcastChannel, not the server.
      disableBc: true,
    })
    providers.push(provider)
    await waitFor(() => provider.synced, `${user.name} to sync ${docName}`)
    return { doc, provider, text: doc.getText(COLLAB_TEXT_KEY) }
  }

  /** Opens a raw WebSocket and records everything that happens to it. */
  function rawSocket(url: string) {
    const socket = new WebSocket(url)
    const result = { status: 0, opened: false, bytes: 0, done: false }
    socket.on('unexpected-response', (_req, res) => {
      result.status = res.statusCode ?? 0
      res.resume()
      result.done = true
    })
    socket.on('open', () => {
      result.opened = true
    })
    socket.on('message', (data: Buffer) => {
      result.bytes += data.length
    })
    socket.on('error', () => {
      result.done = true
    })
    socket.on('close', () => {
      result.done = true
    })
    return { socket, result }
  }

  describe('collaborative editing over y-websocket', () => {
    it('lets two real WebsocketProvider clients converge, and relays awareness', async () => {
      const server = await start()
      const a = await openDoc(server, ada, 'notes')
      const b = await openDoc(server, bob, 'notes')
      a.text.insert(0, 'Hello ')
      b.text.insert(0, 'World')
      await waitFor(
        () => a.text.toString() === b.text.toString() && a.text.length === 11,
        'convergence',
      )
      expect(['Hello World', 'WorldHello ']).toContain(a.text.toString())

      a.provider.awareness.setLocalStateField('user', {
        id: ada.id,
        name: ada.name,
        color: '#e91e63',
      })
      await waitFor(
        () => b.provider.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ada',
        "Ada's cursor at Bob's",
      )
    })

    it('refuses an upgrade without a valid session with 401 and sends no document byte', async () => {
      const server = await start()
      const a = await openDoc(server, ada, 'secret-plans')
      a.text.insert(0, 'the secret')
      await sleep(100)

      const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'
      for (const url of [
        `ws://127.0.0.1:${server.port}/yjs/secret-plans`,
        `ws://127.0.0.1:${server.port}/yjs/secret-plans?token=${forged}`,
      ]) {
        const { result } = rawSocket(url)
        await waitFor(() => result.done, 'the refusal')
        expect(result).toMatchObject({ status: 401, opened: false, bytes: 0 })
      }
      const metrics = await (await fetch(`${server.url}/metrics`)).text()
      expect(metrics).toMatch(
        /duplex_realtime_rejected_messages_total\{transport="yjs",code="unauthorized"\} 2/,
      )
    })

    it('accepts the duplex_session cookie, and refuses a bad document name with 400', async () => {
      const server = await start()
      const token = await server.token(ada)
      const withCookie = new WebSocket(`ws://127.0.0.1:${server.port}/yjs/notes`, {
        headers: { cookie: `duplex_session=${token}` },
      })
      const firstFrame = await new Promise<Buffer>((resolve, reject) => {
        withCookie.once('message', resolve)
        withCookie.once('error', reject)
      })
      // y-websocket's first frame: messageSync (0), then syncStep1 (0).
      expect([...firstFrame.subarray(0, 2)]).toEqual([0, 0])
      withCookie.close()

      const { result } = rawSocket(`ws://127.0.0.1:${server.port}/yjs/bad%20name?token=${token}`)
      await waitFor(() => result.done, 'the refusal')
      expect(result.status).toBe(400)
    })

    it('keeps every document across a restart on the same data folder, compacted', async () => {
      const dataDir = await makeDataDir()
      const first = await start({ dataDir, env: { YJS_COMPACT_AFTER: '5' } })
      const a = await openDoc(first, ada, 'journal')
      for (const word of ['one ', 'two ', 'three ', 'four ', 'five ', 'six ', 'seven '])
        a.text.insert(a.text.length, word)
      a.text.delete(0, 4)
      const other = await openDoc(first, bob, 'other')
      other.text.insert(0, 'second doc')
      await sleep(200)
      await first.stop()
      for (const provider of providers.splice(0)) provider.destroy()

      // Stopping flushed and compacted every document into one stored update.
      const storage = await openDocs(first.storageOptions)
      expect(await storage.loadDocUpdates('journal')).toHaveLength(1)
      expect(await storage.loadDocUpdates('other')).toHaveLength(1)
      await storage.close()

      const second = await start({ dataDir })
      const again = await openDoc(second, bob, 'journal')
      expect(again.text.toString()).toBe('two three four five six seven ')
      expect((await openDoc(second, ada, 'other')).text.toString()).toBe('second doc')
    })

    it('compacts stored updates after N of them while clients stay connected', async () => {
      const dataDir = await makeDataDir()
      const server = await start({ dataDir, env: { YJS_COMPACT_AFTER: '5' } })
      const a = await openDoc(server, ada, 'busy')
      for (let i = 0; i < 12; i++) {
        a.text.insert(a.text.length, `${i} `)
        await sleep(10)
      }
      const storage = await openDocs(server.storageOptions)
      // Writes and compactions are asynchronous; on a busy machine the last ones can take a moment
      // to land (one CI run read the full text while the second compaction was still running).
      let stored: Uint8Array[] = []
      let text = ''
      for (
        let tries = 0;
        (text !== a.text.toString() || stored.length >= 5) && tries < 50;
        tries++
      ) {
        await sleep(tries === 0 ? 200 : 100)
        stored = await storage.loadDocUpdates('busy')
        const check = new Y.Doc()
        for (const update of stored) Y.applyUpdate(check, update)
        text = check.getText(COLLAB_TEXT_KEY).toString()
      }
      await storage.close()
      expect(text).toBe(a.text.toString())
      // 12 updates, merged after the 5th and the 10th: 1 + 2 left.
      expect(stored.length).toBeLessThan(5)
    })

    it('compacts a document to one update when its last client leaves', async () => {
      const dataDir = await makeDataDir()
      const server = await start({ dataDir, env: { YJS_COMPACT_AFTER: '1000' } })
      const a = await openDoc(server, ada, 'short-visit')
      for (let i = 0; i < 6; i++) a.text.insert(a.text.length, `${i}`)
      await sleep(100)
      a.provider.destroy()
      const storage = await openDocs(server.storageOptions)
      try {
        let stored = await storage.loadDocUpdates('short-visit')
        for (let tries = 0; stored.length !== 1 && tries < 100; tries++) {
          await sleep(20)
          stored = await storage.loadDocUpdates('short-visit')
        }
        expect(stored).toHaveLength(1)
        const check = new Y.Doc()
        Y.applyUpdate(check, stored[0] ?? new Uint8Array())
        expect(check.getText(COLLAB_TEXT_KEY).toString()).toBe('012345')
      } finally {
        await storage.close()
      }
    })
  })

  describe('document list', () => {
    it('needs a session, creates documents once, and lists them newest edit first', async () => {
      const server = await start()
      const token = await server.token(ada)
      const auth = { authorization: `Bearer ${token}` }
      expect((await fetch(`${server.url}/api/docs`)).status).toBe(401)

      const created = await fetch(`${server.url}/api/docs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'roadmap' }),
      })
      expect(created.status).toBe(201)
      expect(await created.json()).toEqual({
        doc: { name: 'roadmap', createdAt: expect.any(Number), updatedAt: expect.any(Number) },
      })
      const again = await fetch(`${server.url}/api/docs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'roadmap' }),
      })
      expect(again.status).toBe(409)
      const bad = await fetch(`${server.url}/api/docs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: '../etc' }),
      })
      expect(bad.status).toBe(400)
      expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
        /^name: /,
      )

      // The first edit creates an opened document, and editing bumps it to the top.
      const a = await openDoc(server, ada, 'fresh')
      a.text.insert(0, 'x')
      await sleep(100)
      const list = await fetch(`${server.url}/api/docs?token=${token}`)
      expect(((await list.json()) as { docs: { name: string }[] }).docs.map((d) => d.name)).toEqual(
        ['fresh', 'roadmap'],
      )
    })

    async function listed(server: TestServer, token: string) {
      const response = await fetch(`${server.url}/api/docs?token=${token}`)
      return ((await response.json()) as { docs: { name: string; preview?: string }[] }).docs
    }

    it('lists an opened document only once it has content, with a preview line', async () => {
      const server = await start()
      const token = await server.token(ada)
      const peek = await openDoc(server, ada, 'just-looking')
      peek.provider.destroy()
      const typed = await openDoc(server, ada, 'notes')
      typed.text.insert(0, '\n  Agenda for Monday  \nsecond line')
      await waitFor(async () => (await listed(server, token)).length === 1, 'the edit to be stored')
      expect(await listed(server, token)).toEqual([
        expect.objectContaining({ name: 'notes', preview: 'Agenda for Monday' }),
      ])
    })

    it('deletes and renames documents, closing their open editors first', async () => {
      const server = await start()
      const token = await server.token(ada)
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
      const a = await openDoc(server, ada, 'draft')
      a.text.insert(0, 'keep me')
      await waitFor(async () => (await listed(server, token)).length === 1, 'the edit to be stored')
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        a.provider.once('connection-close', (event: { code: number; reason: string } | null) => {
          a.provider.shouldConnect = false
          resolve({ code: event?.code ?? 0, reason: event?.reason ?? '' })
        }),
      )

      const renamed = await fetch(`${server.url}/api/docs/draft`, {
        method: 'PATCH',
        headers: auth,
        body: JSON.stringify({ name: 'final' }),
      })
      expect(renamed.status).toBe(200)
      expect(await closed).toEqual({ code: 4409, reason: 'renamed:final' })
      expect(await listed(server, token)).toEqual([
        expect.objectContaining({ name: 'final', preview: 'keep me' }),
      ])
      // The text moved with the name.
      const b = await openDoc(server, bob, 'final')
      expect(b.text.toString()).toBe('keep me')
      b.provider.destroy()

      const taken = await fetch(`${server.url}/api/docs/final`, {
        method: 'PATCH',
        headers: auth,
        body: JSON.stringify({ name: '../x' }),
      })
      expect(taken.status).toBe(400)
      const deleted = await fetch(`${server.url}/api/docs/final`, {
        method: 'DELETE',
        headers: auth,
      })
      expect(deleted.status).toBe(204)
      expect(await listed(server, token)).toEqual([])
      const gone = await fetch(`${server.url}/api/docs/final`, { method: 'DELETE', headers: auth })
      expect(gone.status).toBe(404)
    })

    it('answers CORS preflights for allowed origins only', async () => {
      const server = await start()
      const preflight = await fetch(`${server.url}/api/docs`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' },
      })
      expect(preflight.status).toBe(204)
      expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3000')
      expect(preflight.headers.get('access-control-allow-credentials')).toBe('true')
      const evil = await fetch(`${server.url}/api/docs`, {
        headers: { origin: 'https://evil.example' },
      })
      expect(evil.status).toBe(403)
    })
  })
})
