import {
  COLLAB_TEXT_KEY,
  DocListSchema,
  DocLookupSchema,
  type DocList,
} from '@duplex/protocol/collab'
import { ApiErrorSchema } from '@duplex/protocol/errors'
import type { SessionUser } from '@duplex/protocol/session'
import { createConnection } from 'node:net'
import pg from 'pg'
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

  /** How the server closed a provider's connection (and stops it from reconnecting). */
  function closeOf(provider: WebsocketProvider) {
    return new Promise<{ code: number; reason: string }>((resolve) =>
      provider.once('connection-close', (event: { code: number; reason: string } | null) => {
        provider.shouldConnect = false
        resolve({ code: event?.code ?? 0, reason: event?.reason ?? '' })
      }),
    )
  }

  async function listed(server: TestServer, token: string) {
    const response = await fetch(`${server.url}/api/docs?token=${token}`)
    return ((await response.json()) as DocList).docs
  }

  /** Documents the server holds in memory, from `/metrics`. */
  async function docsInMemory(server: TestServer): Promise<number> {
    const text = await (await fetch(`${server.url}/metrics`)).text()
    const match = /^duplex_realtime_yjs_docs_in_memory (\d+)/m.exec(text)
    if (!match) throw new Error('no duplex_realtime_yjs_docs_in_memory in /metrics')
    return Number(match[1])
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

  describe('documents whose upgrade never completed', () => {
    /** Sends a WebSocket upgrade by hand; `key` lets a test send one ws will refuse. */
    function upgradeRequest(server: TestServer, path: string, key = 'dGhlIHNhbXBsZSBub25jZQ==') {
      const socket = createConnection(server.port, '127.0.0.1')
      socket.on('error', () => undefined)
      const answer = new Promise<string>((resolve) => {
        let text = ''
        socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
        socket.on('close', () => resolve(text))
      })
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`,
      )
      return { socket, answer }
    }

    it('lets go of a document loaded for a handshake that ws then refused', async () => {
      const server = await start()
      const token = await server.token(ada)
      const { answer } = upgradeRequest(server, `/yjs/refused-doc?token=${token}`, 'not-a-key')
      expect(await answer).toMatch(/^HTTP\/1.1 400/)
      await waitFor(async () => (await docsInMemory(server)) === 0, 'the copy to leave memory')
      // The name still opens normally afterwards.
      const a = await openDoc(server, ada, 'refused-doc')
      a.text.insert(0, 'fine')
      expect(await docsInMemory(server)).toBe(1)
    })

    it('lets go of a document whose client left while it was loading (PostgreSQL)', async (context) => {
      const { storageOptions } = await start()
      if (storageOptions.kind !== 'postgres') return context.skip()
      const server = servers[0] as TestServer
      const token = await server.token(ada)
      // Hold the load: the server waits on the table until the test lets it go.
      const lock = new pg.Client({ connectionString: storageOptions.url })
      await lock.connect()
      try {
        await lock.query('begin')
        await lock.query(`lock table ${storageOptions.schema}.doc_updates in access exclusive mode`)
        const { socket } = upgradeRequest(server, `/yjs/left-early?token=${token}`)
        await waitFor(async () => (await docsInMemory(server)) === 1, 'the load to start')
        socket.destroy()
        await sleep(200)
        await lock.query('commit')
      } finally {
        await lock.end()
      }
      await waitFor(async () => (await docsInMemory(server)) === 0, 'the copy to leave memory')
      expect(await listed(server, token)).toEqual([])
    })
  })

  describe('document list', () => {
    const json = { 'content-type': 'application/json' }

    function call(server: TestServer, token: string, path: string, init: RequestInit = {}) {
      return fetch(`${server.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...json, ...init.headers },
      })
    }

    it('needs a session, creates documents once, owned by their creator, and lists them newest edit first', async () => {
      const server = await start()
      const token = await server.token(ada)
      expect((await fetch(`${server.url}/api/docs`)).status).toBe(401)

      const created = await call(server, token, '/api/docs', {
        method: 'POST',
        body: JSON.stringify({ name: 'roadmap' }),
      })
      expect(created.status).toBe(201)
      expect(await created.json()).toEqual({
        doc: {
          name: 'roadmap',
          createdAt: expect.any(Number),
          updatedAt: expect.any(Number),
          owner: { id: ada.id, name: ada.name },
          preview: '',
        },
      })
      const again = await call(server, token, '/api/docs', {
        method: 'POST',
        body: JSON.stringify({ name: 'roadmap' }),
      })
      expect(again.status).toBe(409)
      const bad = await call(server, token, '/api/docs', {
        method: 'POST',
        body: JSON.stringify({ name: '../etc' }),
      })
      expect(bad.status).toBe(400)
      expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
        /^name: /,
      )

      // The first edit creates an opened document, owned by whoever made it, and editing bumps
      // it to the top.
      const a = await openDoc(server, ada, 'fresh')
      await openDoc(server, bob, 'fresh')
      await sleep(50)
      a.text.insert(0, 'x')
      await waitFor(async () => (await listed(server, token)).length === 2, 'the edit to be stored')
      expect(await listed(server, token)).toEqual([
        expect.objectContaining({ name: 'fresh', owner: { id: ada.id, name: ada.name } }),
        expect.objectContaining({ name: 'roadmap' }),
      ])
    })

    it('pages the list with a cursor and a bounded limit, and answers 304 to an unchanged page', async () => {
      const server = await start()
      const token = await server.token(ada)
      for (const name of ['d1', 'd2', 'd3', 'd4', 'd5']) {
        const response = await call(server, token, '/api/docs', {
          method: 'POST',
          body: JSON.stringify({ name }),
        })
        expect(response.status).toBe(201)
      }
      const seen: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
        const response = await call(server, token, `/api/docs?limit=2${query}`)
        expect(response.status).toBe(200)
        const page = DocListSchema.parse(await response.json())
        expect(page.docs.length).toBeLessThanOrEqual(2)
        seen.push(...page.docs.map((doc) => doc.name))
        cursor = page.nextCursor
        pages++
      } while (cursor !== null)
      expect(pages).toBe(3)
      expect(seen.sort()).toEqual(['d1', 'd2', 'd3', 'd4', 'd5'])

      const first = await call(server, token, '/api/docs')
      const etag = first.headers.get('etag')
      expect(etag).toMatch(/^".+"$/)
      expect(first.headers.get('cache-control')).toBe('private, no-cache')
      const unchanged = await call(server, token, '/api/docs', {
        headers: { 'if-none-match': etag ?? '' },
      })
      expect(unchanged.status).toBe(304)
      // A change to the page is a new ETag.
      await call(server, token, '/api/docs/d1', { method: 'DELETE' })
      const changed = await call(server, token, '/api/docs', {
        headers: { 'if-none-match': etag ?? '' },
      })
      expect(changed.status).toBe(200)

      for (const query of ['limit=101', 'limit=0', 'limit=x', 'cursor=bogus', 'page=2']) {
        const refused = await call(server, token, `/api/docs?${query}`)
        expect(refused.status, query).toBe(400)
        expect(ApiErrorSchema.parse(await refused.json()).error.code).toBe('invalid')
      }
    })

    it('lists an opened document only once it has content, with a preview line', async () => {
      const server = await start()
      const token = await server.token(ada)
      const peek = await openDoc(server, ada, 'just-looking')
      peek.provider.destroy()
      const typed = await openDoc(server, ada, 'notes')
      typed.text.insert(0, '\n  Agenda for Monday  \nsecond line')
      // The preview is stored a moment after the edit, without anyone leaving.
      await waitFor(
        async () => (await listed(server, token))[0]?.preview === 'Agenda for Monday',
        'the preview to be stored',
      )
      expect(await listed(server, token)).toEqual([
        expect.objectContaining({ name: 'notes', preview: 'Agenda for Monday' }),
      ])
      typed.text.insert(0, 'New first line\n')
      await waitFor(
        async () => (await listed(server, token))[0]?.preview === 'New first line',
        'the new preview',
      )
    })

    it('lets the owner delete and rename documents, closing their open editors first', async () => {
      const server = await start()
      const token = await server.token(ada)
      const a = await openDoc(server, ada, 'draft')
      a.text.insert(0, 'keep me')
      await waitFor(async () => (await listed(server, token)).length === 1, 'the edit to be stored')
      const closed = closeOf(a.provider)

      const renamed = await call(server, token, '/api/docs/draft', {
        method: 'PATCH',
        body: JSON.stringify({ name: 'final' }),
      })
      expect(renamed.status).toBe(200)
      expect(await closed).toEqual({ code: 4409, reason: 'renamed:final' })
      await waitFor(
        async () => (await listed(server, token))[0]?.preview === 'keep me',
        'the preview to move with the name',
      )
      expect(await listed(server, token)).toEqual([
        expect.objectContaining({ name: 'final', owner: { id: ada.id, name: ada.name } }),
      ])
      // The text moved with the name.
      const b = await openDoc(server, bob, 'final')
      expect(b.text.toString()).toBe('keep me')
      const bobClosed = closeOf(b.provider)

      const taken = await call(server, token, '/api/docs/final', {
        method: 'PATCH',
        body: JSON.stringify({ name: '../x' }),
      })
      expect(taken.status).toBe(400)
      const deleted = await call(server, token, '/api/docs/final', { method: 'DELETE' })
      expect(deleted.status).toBe(204)
      expect(await bobClosed).toEqual({ code: 4404, reason: 'Document deleted' })
      expect(await listed(server, token)).toEqual([])
      const gone = await call(server, token, '/api/docs/final', { method: 'DELETE' })
      expect(gone.status).toBe(404)
      // The old names say what became of them, and who did it: a closed editor asks, and so does
      // a page opening the old URL (it follows a rename, and says a delete was one).
      const lookup = async (name: string) =>
        DocLookupSchema.parse(await (await call(server, token, `/api/docs/${name}`)).json())
      const by = { id: ada.id, name: ada.name }
      expect(await lookup('draft')).toEqual({
        doc: null,
        gone: { kind: 'renamed', to: 'final', by, at: expect.any(Number) },
      })
      expect(await lookup('final')).toEqual({
        doc: null,
        gone: { kind: 'deleted', by, at: expect.any(Number) },
      })
      expect(await lookup('never-made')).toEqual({ doc: null, gone: null })
      // Its last copy left memory without writing it back.
      await sleep(200)
      expect(await listed(server, token)).toEqual([])
      await waitFor(async () => (await docsInMemory(server)) === 0, 'the copies to leave memory')
    })

    it('refuses to delete or rename someone else’s document with 403 forbidden, and everyone may still edit it', async () => {
      const server = await start()
      const adaToken = await server.token(ada)
      const bobToken = await server.token(bob)
      const a = await openDoc(server, ada, 'adas-notes')
      a.text.insert(0, 'mine')
      await waitFor(async () => (await listed(server, adaToken)).length === 1, 'the edit')
      const b = await openDoc(server, bob, 'adas-notes')
      expect(b.text.toString()).toBe('mine')

      for (const [method, body] of [
        ['DELETE', undefined],
        ['PATCH', JSON.stringify({ name: 'bobs-now' })],
        ['PATCH', JSON.stringify({ name: 'adas-notes' })],
      ] as const) {
        const response = await call(server, bobToken, '/api/docs/adas-notes', { method, body })
        expect(response.status, `${method} ${body ?? ''}`).toBe(403)
        const error = ApiErrorSchema.parse(await response.json()).error
        expect(error.code).toBe('forbidden')
        expect(error.message).toMatch(/only Ada .* may (delete|rename)/)
      }
      // Nothing changed: the document, its name and both editors are still there.
      b.text.insert(4, ' and yours')
      await waitFor(() => a.text.toString() === 'mine and yours', 'Bob’s edit at Ada’s')
      expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true)
      expect((await listed(server, bobToken)).map((doc) => doc.name)).toEqual(['adas-notes'])
    })

    it('counts a renamed document against its owner’s quota once, and keeps the owner', async () => {
      const server = await start({ env: { YJS_DOC_QUOTA: '1' } })
      const token = await server.token(ada)
      const create = (name: string) =>
        call(server, token, '/api/docs', { method: 'POST', body: JSON.stringify({ name }) })
      expect((await create('only-one')).status).toBe(201)
      const renamed = await call(server, token, '/api/docs/only-one', {
        method: 'PATCH',
        body: JSON.stringify({ name: 'still-one' }),
      })
      expect(renamed.status).toBe(200)
      expect((await renamed.json()) as unknown).toMatchObject({
        doc: { name: 'still-one', owner: { id: ada.id } },
      })
      const second = await create('second')
      expect(second.status).toBe(403)
      expect(ApiErrorSchema.parse(await second.json()).error.code).toBe('limit_reached')
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
