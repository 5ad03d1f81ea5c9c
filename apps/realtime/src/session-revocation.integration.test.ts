import {
  createFileRevocationStore,
  createSessionToken,
  verifySessionToken,
  type RevocationStore,
} from '@duplex/auth'
import { createClusterRevocationStore } from '@duplex/auth/cluster'
import { COLLAB_PATH } from '@duplex/protocol/collab' // demo:editor
import { DISCONNECT_REASON_EVENT, DisconnectReasonSchema } from '@duplex/protocol/realtime'
import type { SessionUser } from '@duplex/protocol/session'
import {
  startPrivatePostgres,
  startPrivateRedis,
  whyNoPrivateServices,
  type PrivatePostgres,
  type PrivateRedis,
} from '@duplex/testing/private-services'
import { createTestSchema, testServices, type TestSchema } from '@duplex/testing/services'
import { TEST_SESSION_SECRET } from '@duplex/testing/session'
import { waitFor } from '@duplex/testing/wait'
import { Redis } from 'ioredis'
import { io as connectClient, type Socket } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws' // demo:editor
import { openDatabase } from './shared/storage/database.ts'
import { makeDataDir, startTestServer, testModes, type TestServer } from './test-helpers.ts'

// Signing out ends the session everywhere: the realtime server refuses its token from then on and
// closes its open Socket.IO and Yjs connections, on every instance, saying why. The sign-out is
// written the way the web app's `DELETE /api/session` writes it: the file in the data folder in
// single mode, the cluster store (PostgreSQL, then Redis) in cluster mode.

const ada: SessionUser = { id: 'u_ada', name: 'Ada' }
const bob: SessionUser = { id: 'u_bob', name: 'Bob' }
/** The promise: every connection of the session closes within this of the sign-out. */
const CLOSE_WITHIN_MS = 2000

const cleanups: (() => Promise<unknown> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface Session {
  token: string
  tokenId: string
  expiresAt: number
}

async function signIn(user: SessionUser, ttlSeconds = 3600, tokenId?: string): Promise<Session> {
  return createSessionToken(user, TEST_SESSION_SECRET, { ttlSeconds, tokenId })
}

/** A Socket.IO client of one session that records why it was disconnected. */
function openSocket(server: TestServer, token: string) {
  const socket: Socket = connectClient(server.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { token },
  })
  cleanups.push(() => void socket.close())
  const seen = {
    reason: undefined as string | undefined,
    disconnect: undefined as string | undefined,
  }
  socket.on(DISCONNECT_REASON_EVENT, (payload: unknown) => {
    seen.reason = DisconnectReasonSchema.parse(payload).code
  })
  socket.on('disconnect', (why) => {
    seen.disconnect = why
  })
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  return { socket, seen, connected }
}

// demo:editor:start
/** A Yjs connection of one session that records its close code and reason. */
function openYjs(server: TestServer, token: string, doc: string) {
  const ws = new WebSocket(
    `ws://127.0.0.1:${server.port}${COLLAB_PATH}/${doc}?token=${encodeURIComponent(token)}`,
  )
  cleanups.push(() => ws.terminate())
  const seen = {
    close: undefined as { code: number; reason: string } | undefined,
    status: 0,
    retryAfter: null as string | null,
  }
  ws.on('close', (code, reason) => {
    seen.close = { code, reason: reason.toString() }
  })
  ws.on('error', () => undefined)
  const opened = new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true))
    ws.once('close', () => resolve(false))
    // The upgrade was refused with an HTTP status (with this listener, ws leaves the rest to us).
    ws.once('unexpected-response', (req, res) => {
      seen.status = res.statusCode ?? 0
      seen.retryAfter = res.headers['retry-after'] ?? null
      res.resume()
      req.destroy()
      resolve(false)
    })
  })
  return { ws, seen, opened }
}
// demo:editor:end

/** `connect`, or the server's `connect_error` message and data. */
async function handshake(server: TestServer, token: string) {
  const { socket, connected } = openSocket(server, token)
  try {
    await connected
    return { message: 'connect' }
  } catch (error) {
    return { message: (error as Error).message, data: (error as { data?: unknown }).data }
  } finally {
    socket.close()
  }
}

/** Signs out the way the web app does, where `server` reads sign-outs. */
async function webSignOuts(server: TestServer): Promise<RevocationStore> {
  if (!server.redis) {
    const store = createFileRevocationStore({ dataDir: server.dataDir })
    cleanups.push(() => store.close())
    return store
  }
  const database = await openDatabase(server.storageOptions)
  const redis = new Redis(server.redis.url, { maxRetriesPerRequest: 1 })
  const subscriber = new Redis(server.redis.url, { maxRetriesPerRequest: 1 })
  for (const client of [redis, subscriber]) client.on('error', () => undefined)
  const store = createClusterRevocationStore({
    db: database.db,
    redis,
    subscriber,
    keyPrefix: server.redis.keyPrefix,
    log: () => undefined,
  })
  cleanups.push(async () => {
    await store.close()
    redis.disconnect()
    subscriber.disconnect()
    await database.close()
  })
  return store
}

async function signOut(store: RevocationStore, session: Session): Promise<number> {
  const verified = await verifySessionToken(session.token, TEST_SESSION_SECRET)
  if (!verified.ok) throw new Error('the test token did not verify')
  await store.revoke(verified.tokenId, verified.expiresAt)
  return Date.now()
}

// One server per process (the Yjs library keeps its documents in module globals): the sign-out is
// made by another writer, as the web app is. Two realtime instances are in cluster.integration.
describe.each(await testModes())('signing out ($mode)', ({ mode, skip }) => {
  it.skipIf(skip)(
    `closes every Socket.IO and Yjs connection of the session within ${CLOSE_WITHIN_MS} ms, saying why`,
    async () => {
      const server = await startTestServer({ mode, dataDir: await makeDataDir() })
      cleanups.push(() => server.cleanup())
      const instances = [server]
      const session = await signIn(ada)
      // The short-lived token a realtime server on another host gets shares the session's jti.
      const short = await signIn(ada, 60, session.tokenId)
      const other = await signIn(bob)
      const adaSockets = instances.flatMap((server) => [
        openSocket(server, session.token),
        openSocket(server, short.token),
      ])
      const bobSockets = instances.map((server) => openSocket(server, other.token))
      for (const c of [...adaSockets, ...bobSockets]) await c.connected
      /** Whether each of Ada's connections has closed yet. */
      const closed = adaSockets.map((c) => () => c.seen.disconnect !== undefined)
      // demo:editor:start
      const adaDocs = instances.map((server, i) => openYjs(server, session.token, `notes-${i}`))
      const bobDocs = instances.map((server, i) => openYjs(server, other.token, `notes-${i}`))
      for (const c of [...adaDocs, ...bobDocs]) expect(await c.opened).toBe(true)
      closed.push(...adaDocs.map((c) => () => c.seen.close !== undefined))
      // demo:editor:end

      const store = await webSignOuts(instances[0] as TestServer)
      const signedOutAt = await signOut(store, session)
      await waitFor(() => closed.every((isClosed) => isClosed()), {
        timeoutMs: 10_000,
        message: "every connection of Ada's session to close",
      })
      expect(Date.now() - signedOutAt).toBeLessThanOrEqual(CLOSE_WITHIN_MS)
      // Told why, then closed by the server: socket.io-client does not reconnect by itself.
      for (const c of adaSockets) {
        expect(c.seen).toEqual({ reason: 'signed_out', disconnect: 'io server disconnect' })
      }
      // Bob's session is untouched, and Ada's token is refused from now on.
      for (const c of bobSockets) expect(c.socket.connected).toBe(true)
      for (const server of instances) {
        expect((await handshake(server, session.token)).message).toBe('unauthorized: signed out')
        expect((await handshake(server, short.token)).message).toBe('unauthorized: signed out')
      }
      // demo:editor:start
      for (const c of adaDocs) expect(c.seen.close).toEqual({ code: 4401, reason: 'Signed out' })
      for (const c of bobDocs) expect(c.ws.readyState).toBe(WebSocket.OPEN)
      for (const server of instances) {
        const yjs = openYjs(server, session.token, 'notes-again')
        expect(await yjs.opened).toBe(false)
        expect(yjs.seen.status).toBe(401)
      }
      // demo:editor:end
    },
  )
})

describe('session expiry', () => {
  it('closes Socket.IO and Yjs connections with session_expired, not a reconnect', async () => {
    const server = await startTestServer()
    cleanups.push(() => server.cleanup())
    const brief = await signIn(ada, 2)
    const socket = openSocket(server, brief.token)
    await socket.connected
    // demo:editor:start
    const yjs = openYjs(server, brief.token, 'brief')
    expect(await yjs.opened).toBe(true)
    await waitFor(() => yjs.seen.close, { timeoutMs: 10_000, message: 'the editor to be closed' })
    expect(yjs.seen.close).toEqual({ code: 4401, reason: 'Session expired' })
    // demo:editor:end
    await waitFor(() => socket.seen.disconnect, {
      timeoutMs: 10_000,
      message: 'the expired session to be closed',
    })
    expect(socket.seen).toEqual({ reason: 'session_expired', disconnect: 'io server disconnect' })
    expect((await handshake(server, brief.token)).message).toBe('unauthorized: token expired')
  })
})

const noPrivate = await whyNoPrivateServices()
const services = await testServices({ redis: false })

describe.skipIf(noPrivate !== undefined || !services.ok)(
  'sign-outs and store outages (cluster mode, private Redis)',
  () => {
    /** Where a test's instances keep their state: a schema of the shared PostgreSQL or a private one. */
    function clusterOf(databaseUrl: string, redis: PrivateRedis) {
      let schema: TestSchema | undefined
      if (databaseUrl === services.databaseUrl) {
        schema = createTestSchema(services.databaseUrl, 'sessions')
        cleanups.push(() => schema?.drop())
      }
      return {
        databaseUrl,
        databaseSchema: schema?.name,
        redisUrl: redis.url,
        keyPrefix: `sessions-${Math.random().toString(36).slice(2, 8)}:`,
        instanceTimeoutMs: 2000,
      }
    }

    async function clusterServer(cluster: ReturnType<typeof clusterOf>) {
      const server = await startTestServer({ cluster })
      cleanups.push(() => server.cleanup())
      return server
    }

    it('still refuses a token signed out before Redis restarted empty, during and after', async () => {
      const redis = await startPrivateRedis()
      cleanups.push(() => redis.dispose())
      const cluster = clusterOf(services.databaseUrl, redis)
      const server = await clusterServer(cluster)
      const signedOut = await signIn(ada)
      const kept = await signIn(bob)
      const web = await webSignOuts(server)
      await signOut(web, signedOut)
      expect((await handshake(server, signedOut.token)).message).toBe('unauthorized: signed out')

      await redis.stop()
      // Redis is away: the database answers (for the editor's upgrades; sockets reconnect later).
      // demo:editor:start
      const during = openYjs(server, signedOut.token, 'during')
      expect(await during.opened).toBe(false)
      expect(during.seen.status).toBe(401)
      // demo:editor:end
      await redis.start()

      await waitFor(async () => (await handshake(server, kept.token)).message === 'connect', {
        timeoutMs: 15_000,
        message: 'the server to take connections again after the Redis restart',
      })
      expect((await handshake(server, signedOut.token)).message).toBe('unauthorized: signed out')
      // demo:editor:start
      const after = openYjs(server, signedOut.token, 'after')
      expect(await after.opened).toBe(false)
      expect(after.seen.status).toBe(401)
      // demo:editor:end

      // An instance that remembers nothing (restarted, or new): only the database knows.
      await server.stop()
      const restarted = await clusterServer(cluster)
      expect((await handshake(restarted, signedOut.token)).message).toBe('unauthorized: signed out')
      expect((await handshake(restarted, kept.token)).message).toBe('connect')
    })

    it('answers unavailable (retry later) when PostgreSQL and Redis are both down, and recovers', async () => {
      const redis = await startPrivateRedis()
      cleanups.push(() => redis.dispose())
      let postgres: PrivatePostgres | undefined
      postgres = await startPrivatePostgres(`duplex_sessions_${process.pid}`)
      cleanups.push(() => postgres?.dispose())
      const server = await clusterServer(clusterOf(postgres.url, redis))
      const session = await signIn(ada)
      expect((await handshake(server, session.token)).message).toBe('connect')

      await Promise.all([redis.stop(), postgres.stop()])
      const refused = await handshake(server, session.token)
      expect(refused.message).toMatch(/^unavailable: sessions cannot be checked right now/)
      expect(refused.data).toMatchObject({ code: 'unavailable', retryAfterMs: 2000 })
      // demo:editor:start
      const yjs = openYjs(server, session.token, 'down')
      expect(await yjs.opened).toBe(false)
      expect(yjs.seen).toMatchObject({ status: 503, retryAfter: '2' })
      const docs = await fetch(`${server.url}/api/docs`, {
        headers: { Authorization: `Bearer ${session.token}` },
      })
      expect(docs.status).toBe(503)
      expect(await docs.json()).toMatchObject({ error: { code: 'unavailable' } })
      // demo:editor:end
      // The server itself stays up.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200)

      await Promise.all([redis.start(), postgres.start()])
      await waitFor(async () => (await handshake(server, session.token)).message === 'connect', {
        timeoutMs: 20_000,
        message: 'the session to be accepted once the stores are back',
      })
      postgres = undefined
    })
  },
)
