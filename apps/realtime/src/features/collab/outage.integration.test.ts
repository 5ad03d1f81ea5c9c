import { COLLAB_TEXT_KEY, CollabCloseCode } from '@duplex/protocol/collab'
import { ApiErrorSchema } from '@duplex/protocol/errors'
import type { SessionUser } from '@duplex/protocol/session'
import {
  startPrivatePostgres,
  whyNoPrivateServices,
  type PrivatePostgres,
} from '@duplex/testing/private-services'
import { createTestRedisPrefix, testServices, type TestRedisPrefix } from '@duplex/testing/services'
import { sessionToken, TEST_SESSION_SECRET } from '@duplex/testing/session'
import { waitFor } from '@duplex/testing/wait'
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { createRealtimeServer, type RealtimeServer } from '../../server.ts'
import { silentLogger } from '../../shared/log.ts'
import { makeDataDir } from '../../test-helpers.ts'
import { openDocs } from './test-docs.ts'

// PostgreSQL stopped under a running cluster-mode server, as an operator's restart or a crash
// would: a private PostgreSQL (never the machine's shared one), and the shared Redis.

const ada: SessionUser = { id: 'u_ada', name: 'Ada' }
const bob: SessionUser = { id: 'u_bob', name: 'Bob' }
type ProviderOptions = NonNullable<ConstructorParameters<typeof WebsocketProvider>[3]>

const whyNot = (await whyNoPrivateServices()) ?? (await testServices()).reason
const SCHEMA = 'collab_outage'

describe.skipIf(whyNot !== undefined)(
  'documents while PostgreSQL is down',
  { timeout: 120_000 },
  () => {
    let postgres: PrivatePostgres
    let redis: TestRedisPrefix
    let server: RealtimeServer
    let url: string
    let dataDir: string
    const providers: WebsocketProvider[] = []

    beforeAll(async () => {
      postgres = await startPrivatePostgres('duplex_collab_outage')
      const services = await testServices()
      redis = createTestRedisPrefix(services.redisUrl)
      dataDir = await makeDataDir()
      server = createRealtimeServer({
        port: 0,
        host: '127.0.0.1',
        dataDir,
        sessionSecret: TEST_SESSION_SECRET,
        log: silentLogger,
        cluster: {
          databaseUrl: postgres.url,
          databaseSchema: SCHEMA,
          redisUrl: services.redisUrl,
          keyPrefix: redis.prefix,
        },
      })
      url = `http://127.0.0.1:${(await server.start()).port}`
    }, 60_000)

    afterAll(async () => {
      for (const provider of providers) provider.destroy()
      await server?.stop()
      await redis?.clean()
      await postgres?.dispose()
      if (dataDir) await rm(dataDir, { recursive: true, force: true })
    }, 60_000)

    async function openDoc(user: SessionUser, name: string) {
      const doc = new Y.Doc()
      const provider = new WebsocketProvider(`${url.replace('http', 'ws')}/yjs`, name, doc, {
        params: { token: await sessionToken(user) },
        WebSocketPolyfill: WebSocket as unknown as ProviderOptions['WebSocketPolyfill'],
        disableBc: true,
      })
      providers.push(provider)
      await waitFor(() => provider.synced, `${user.name} to sync ${name}`)
      return { provider, text: doc.getText(COLLAB_TEXT_KEY) }
    }

    /** The text stored for `name`, read from the database the way a fresh load would. */
    async function stored(name: string): Promise<string> {
      const docs = await openDocs({ kind: 'postgres', url: postgres.url, schema: SCHEMA })
      try {
        const copy = new Y.Doc()
        for (const update of await docs.loadDocUpdates(name)) Y.applyUpdate(copy, update)
        return copy.getText(COLLAB_TEXT_KEY).toString()
      } finally {
        await docs.close()
      }
    }

    async function metric(name: string): Promise<number> {
      const text = await (await fetch(`${url}/metrics`)).text()
      return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN)
    }

    /** How the server answers a fresh WebSocket to `/yjs/<name>`: its close code and reason. */
    async function openAttempt(name: string) {
      const socket = new WebSocket(`${url.replace('http', 'ws')}/yjs/${name}`, {
        headers: { authorization: `Bearer ${await sessionToken(bob)}` },
      })
      let bytes = 0
      socket.on('message', (data: Buffer) => (bytes += data.length))
      return new Promise<{ code: number; reason: string; bytes: number }>((resolve, reject) => {
        socket.once('error', reject)
        socket.once('close', (code, reason) => resolve({ code, reason: reason.toString(), bytes }))
      })
    }

    it('answers every document request with unavailable, keeps every edit, and stores them once it is back', async () => {
      const token = await sessionToken(ada)
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
      const staying = await openDoc(ada, 'stays-open')
      const leaving = await openDoc(ada, 'left-during')
      staying.text.insert(0, 'before')
      leaving.text.insert(0, 'before')
      await waitFor(async () => (await stored('stays-open')) === 'before', 'the first edits')
      await waitFor(async () => (await stored('left-during')) === 'before', 'the first edits')

      await postgres.stop()
      // Edits go on in memory; one editor leaves while the database is down.
      staying.text.insert(6, ' during')
      leaving.text.insert(6, ' during')
      await waitFor(() => staying.text.toString() === 'before during', 'the local edit')
      await new Promise((resolve) => setTimeout(resolve, 300))
      leaving.provider.destroy()

      for (const [method, path, body] of [
        ['GET', '/api/docs', undefined],
        ['POST', '/api/docs', { name: 'new-one' }],
        ['PATCH', '/api/docs/stays-open', { name: 'renamed' }],
        ['DELETE', '/api/docs/stays-open', undefined],
      ] as const) {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: auth,
          body: body && JSON.stringify(body),
          // Bounded: a hung request fails the test instead of waiting forever.
          signal: AbortSignal.timeout(15_000),
        })
        expect(response.status, `${method} ${path}`).toBe(503)
        expect(response.headers.get('retry-after')).toMatch(/^\d+$/)
        const { error } = ApiErrorSchema.parse(await response.json())
        expect(error.code).toBe('unavailable')
        expect(error.retryAfterMs).toBeGreaterThan(0)
      }
      // Opening a document, new or in memory, closes with 1013 and no document byte.
      for (const name of ['never-seen', 'stays-open']) {
        expect(await openAttempt(name)).toEqual({
          code: CollabCloseCode.unavailable.code,
          reason: CollabCloseCode.unavailable.reason,
          bytes: 0,
        })
      }
      await waitFor(
        async () => (await metric('duplex_realtime_yjs_docs_unsaved')) === 2,
        'both documents to count as unsaved',
      )
      // The editor still connected is still connected.
      expect(staying.provider.wsconnected).toBe(true)

      await postgres.start()
      await waitFor(async () => (await stored('stays-open')) === 'before during', {
        message: 'the kept edit of the open document to be stored',
        timeoutMs: 40_000,
      })
      await waitFor(async () => (await stored('left-during')) === 'before during', {
        message: 'the kept edit of the document whose editor left to be stored',
        timeoutMs: 40_000,
      })
      await waitFor(async () => (await metric('duplex_realtime_yjs_docs_unsaved')) === 0, {
        message: 'nothing left unsaved',
        timeoutMs: 40_000,
      })
      expect((await fetch(`${url}/api/docs`, { headers: auth })).status).toBe(200)
      const again = await openDoc(bob, 'left-during')
      expect(again.text.toString()).toBe('before during')
    })
  },
)
