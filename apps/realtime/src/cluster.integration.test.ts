import type {
  ChatMessage,
  ClientToServerEvents,
  Member,
  ServerToClientEvents,
} from '@duplex/protocol/chat'
import { createSessionToken } from '@duplex/auth'
import { createClusterRevocationStore } from '@duplex/auth/cluster'
import { COLLAB_TEXT_KEY } from '@duplex/protocol/collab'
import { DISCONNECT_REASON_EVENT, DisconnectReasonSchema } from '@duplex/protocol/realtime'
import type { SessionUser } from '@duplex/protocol/session'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import {
  createConnection,
  createServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import pg from 'pg'
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import {
  testServices,
  createTestRedisPrefix,
  createTestSchema,
  type TestRedisPrefix,
  type TestSchema,
} from '@duplex/testing/services'
import { sleep, waitFor } from '@duplex/testing/wait'
import { sessionToken, TEST_SESSION_SECRET } from '@duplex/testing/session'
import { openDocs } from './features/collab/test-docs.ts'
import { openDatabase } from './shared/storage/database.ts'

// Several realtime instances as separate processes (the Yjs server library keeps its documents in
// module globals, so one process can hold one instance), sharing one PostgreSQL schema and one
// Redis prefix, as they would behind a load balancer. A small TCP proxy plays the load balancer
// where a client has to fail over: it forwards each new connection to the first instance that
// accepts it.

type Client = ClientSocket<ServerToClientEvents, ClientToServerEvents>
type ProviderOptions = NonNullable<ConstructorParameters<typeof WebsocketProvider>[3]>

const services = await testServices()
const APP_DIR = path.resolve(import.meta.dirname, '..')
/** How long an instance may stay silent before the others take it for dead, here. */
const INSTANCE_TIMEOUT_MS = 1500
/** What the tests allow for noticing a dead instance: the timeout, a heartbeat, and a busy CI. */
const NOTICE_WITHIN_MS = INSTANCE_TIMEOUT_MS + 4000

const users = {
  ada: { id: 'u_ada', name: 'Ada' },
  bob: { id: 'u_bob', name: 'Bob' },
  cy: { id: 'u_cy', name: 'Cy' },
  dan: { id: 'u_dan', name: 'Dan' },
  eve: { id: 'u_eve', name: 'Eve' },
} satisfies Record<string, SessionUser>

interface Instance {
  name: string
  port: number
  url: string
  child: ChildProcess
  /** Everything it printed, stdout and stderr. */
  output: string[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

let schema: TestSchema
let redis: TestRedisPrefix
let dataDir: string
/** Every process started, running or not: none may outlive the tests, even if a start failed. */
const processes: { child: ChildProcess; exited: Promise<unknown> }[] = []
const clients: Client[] = []
const providers: WebsocketProvider[] = []
const proxies: Server[] = []

/** The environment of an instance: cluster mode over this run's schema and prefix. */
function clusterEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'DATABASE_SCHEMA', 'REDIS_KEY_PREFIX']) {
    delete env[name]
  }
  return {
    ...env,
    DATABASE_URL: services.databaseUrl,
    DATABASE_SCHEMA: schema.name,
    REDIS_URL: services.redisUrl,
    REDIS_KEY_PREFIX: redis.prefix,
    CLUSTER_INSTANCE_TIMEOUT_MS: String(INSTANCE_TIMEOUT_MS),
    SESSION_SECRET: TEST_SESSION_SECRET,
    DUPLEX_DATA_DIR: dataDir,
    REALTIME_HOST: '127.0.0.1',
    REALTIME_PORT: '0',
    CHAT_RATE_POINTS: '1000',
    ...extra,
  }
}

/** Runs a script of this app with tsx (no build needed), collecting its output. */
function run(script: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: APP_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  processes.push({ child, exited })
  return { child, output, exited }
}

async function startInstance(name: string): Promise<Instance> {
  const { child, output, exited } = run('src/index.ts', clusterEnv())
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start:\n${output.join('')}`)),
      // Generous: tsx compiles on start, and a busy 2-core CI runner can take its time.
      120_000,
    )
    const onData = () => {
      const match = /listening on http:\/\/localhost:(\d+)/.exec(output.join(''))
      if (!match) return
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      resolve(Number(match[1]))
    }
    child.stdout?.on('data', onData)
    void exited.then(({ code }) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited with ${code} before listening:\n${output.join('')}`))
    })
  })
  const instance = { name, port, url: `http://127.0.0.1:${port}`, child, output, exited }
  return instance
}

/** A load balancer in miniature: each new connection goes to the first port that accepts it. */
async function failoverProxy(ports: number[]): Promise<string> {
  const open = new Set<Socket>()
  const server = createServer((client) => {
    open.add(client)
    client.on('close', () => open.delete(client))
    client.on('error', () => client.destroy())
    client.pause()
    const attempt = (index: number) => {
      const port = ports[index]
      if (port === undefined) return client.destroy()
      const upstream = createConnection(port, '127.0.0.1')
      let connected = false
      upstream.on('error', () => {
        upstream.destroy()
        // Refused: that instance is gone, try the next one. Once piped, an error ends the client.
        if (connected) client.destroy()
        else attempt(index + 1)
      })
      upstream.once('connect', () => {
        connected = true
        upstream.on('close', () => client.destroy())
        client.on('close', () => upstream.destroy())
        upstream.pipe(client)
        client.pipe(upstream)
        client.resume()
      })
    }
    attempt(0)
  })
  server.on('close', () => {
    for (const socket of open) socket.destroy()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  proxies.push(server)
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function token(user: SessionUser): Promise<string> {
  return sessionToken(user)
}

async function connect(url: string, user: SessionUser, reconnection = false): Promise<Client> {
  const client: Client = connectClient(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection,
    reconnectionDelay: 100,
    reconnectionDelayMax: 300,
    auth: { token: await token(user) },
  })
  clients.push(client)
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve)
    client.once('connect_error', reject)
  })
  return client
}

async function join(client: Client, roomId = 'general') {
  const ack = await client.timeout(5000).emitWithAck('join-room', { roomId })
  if (!ack.ok) throw new Error(`join failed: ${ack.error.message}`)
  return ack
}

/** Collects every event of one name a client receives. */
function collect<E extends keyof ServerToClientEvents>(client: Client, event: E) {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = []
  client.on(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) =>
    seen.push(payload)) as never)
  return seen
}

const names = (members: Member[]) => members.map((m) => m.userName).sort()

/** A real y-websocket client, as the browser runs it. */
async function openDoc(baseUrl: string, user: SessionUser, docName: string) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`${baseUrl.replace('http', 'ws')}/yjs`, docName, doc, {
    params: { token: await token(user) },
    WebSocketPolyfill: WebSocket as unknown as ProviderOptions['WebSocketPolyfill'],
    disableBc: true,
    maxBackoffTime: 300,
  })
  providers.push(provider)
  await waitFor(() => provider.synced, {
    message: `${user.name} to sync ${docName}`,
    timeoutMs: 15_000,
  })
  provider.awareness.setLocalStateField('user', { id: user.id, name: user.name, color: '#e91e63' })
  return { doc, provider, text: doc.getText(COLLAB_TEXT_KEY) }
}

/**
 * Sends one message until it is acked, as a careful client does: same clientId on every retry,
 * joining again when the socket came back without its rooms (its instance was killed).
 */
async function sendUntilAcked(
  client: Client,
  text: string,
  clientId: string,
): Promise<ChatMessage> {
  const deadline = Date.now() + 30_000
  for (;;) {
    if (Date.now() > deadline) throw new Error(`${clientId} was never acked`)
    try {
      const ack = await client
        .timeout(1000)
        .emitWithAck('send-message', { roomId: 'general', text, clientId })
      if (ack.ok) return ack.message
      if (ack.error.code === 'not_in_room') await join(client)
      else throw new Error(`${clientId}: ${ack.error.code} ${ack.error.message}`)
    } catch (error) {
      // No ack: the instance died with the message in flight, or the socket is reconnecting.
      if (!(error instanceof Error) || !/timed out|disconnected/i.test(error.message)) throw error
      await sleep(100)
    }
  }
}

describe.skipIf(!services.ok)('cluster mode with several instances', { timeout: 120_000 }, () => {
  let a: Instance
  let b: Instance
  let c: Instance

  beforeAll(async () => {
    schema = await createTestSchema(services.databaseUrl)
    redis = createTestRedisPrefix(services.redisUrl)
    dataDir = await mkdtemp(path.join(tmpdir(), 'duplex-cluster-'))
    // Three at once also proves that instances migrating the same empty schema together is fine.
    ;[a, b, c] = await Promise.all([startInstance('A'), startInstance('B'), startInstance('C')])
  }, 180_000)

  afterAll(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    for (const client of clients.splice(0)) client.disconnect()
    for (const proxy of proxies.splice(0)) proxy.close()
    for (const { child, exited } of processes.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    }
    await schema?.drop()
    await redis?.clean()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  }, 30_000)

  it('delivers messages, presence, typing and read receipts between users on different instances', async () => {
    const ada = await connect(a.url, users.ada)
    const bob = await connect(b.url, users.bob)
    const adaPresence = collect(ada, 'presence')
    expect(names((await join(ada)).members)).toEqual(['Ada'])
    expect(names((await join(bob)).members)).toEqual(['Ada', 'Bob'])
    await waitFor(
      () => names(adaPresence.at(-1)?.members ?? []).join() === 'Ada,Bob',
      'Ada to see Bob arrive on the other instance',
    )

    const atBob = collect(bob, 'room-message')
    const sent = await ada.emitWithAck('send-message', {
      roomId: 'general',
      text: 'hello from A',
      clientId: 'x-1',
    })
    if (!sent.ok) throw new Error(sent.error.message)
    await waitFor(() => atBob.length === 1, 'Bob (on B) to get the message sent on A')
    expect(atBob[0]).toEqual(sent.message)

    const typing = collect(ada, 'user-typing')
    const receipts = collect(ada, 'read-receipt')
    await bob.emitWithAck('typing', { roomId: 'general', typing: true })
    expect(
      await bob.emitWithAck('mark-read', { roomId: 'general', messageId: sent.message.id }),
    ).toEqual({ ok: true })
    await waitFor(() => typing.length === 1 && receipts.length === 1, 'typing and receipt on A')
    expect(receipts[0]).toMatchObject({ userId: 'u_bob', messageId: sent.message.id })

    // A user's quota is one across instances, and history is one across instances.
    const history = await bob.emitWithAck('load-history', { roomId: 'general' })
    expect(history.ok && history.messages.map((m) => m.clientId)).toEqual(['x-1'])
    ada.disconnect()
    bob.disconnect()
  })

  it('lets two users on two instances co-edit one document, and keeps it in PostgreSQL', async () => {
    const onA = await openDoc(a.url, users.ada, 'plans')
    const onB = await openDoc(b.url, users.bob, 'plans')
    onA.text.insert(0, 'Hello ')
    onB.text.insert(0, 'World')
    await waitFor(() => onA.text.length === 11 && onA.text.toString() === onB.text.toString(), {
      message: 'the two copies to converge',
      timeoutMs: 15_000,
    })
    // Two inserts at the same spot at once: Yjs orders them whole, by client id, never mixed.
    const merged = onA.text.toString()
    expect(['Hello World', 'WorldHello ']).toContain(merged)
    for (let i = 0; i < 5; i++) onB.text.insert(onB.text.length, ` ${i}`)
    await waitFor(() => onA.text.toString() === onB.text.toString(), 'convergence again')
    expect(onA.text.toString()).toBe(`${merged} 0 1 2 3 4`)
    await waitFor(
      () => onB.provider.awareness.getStates().get(onA.doc.clientID)?.user?.name === 'Ada',
      "Ada's cursor on B",
    )
    const final = onA.text.toString()

    // A third instance that never had the document loads it from storage.
    const onC = await openDoc(c.url, users.cy, 'plans')
    await waitFor(() => onC.text.toString() === final, 'C to load the document')
    for (const { provider } of [onA, onB, onC]) provider.destroy()

    const storage = await openDocs({
      kind: 'postgres',
      url: services.databaseUrl,
      schema: schema.name,
    })
    try {
      let stored = ''
      for (let tries = 0; stored !== final && tries < 50; tries++) {
        if (tries > 0) await sleep(100)
        const copy = new Y.Doc()
        for (const update of await storage.loadDocUpdates('plans')) Y.applyUpdate(copy, update)
        stored = copy.getText(COLLAB_TEXT_KEY).toString()
      }
      expect(stored).toBe(final)
    } finally {
      await storage.close()
    }
  })

  it('signing out on one instance closes that session on every instance within 2 s, saying why', async () => {
    const ada = await createSessionToken(users.ada, TEST_SESSION_SECRET)
    const bob = await createSessionToken(users.bob, TEST_SESSION_SECRET)
    /** A Socket.IO client that records the reason it is given, and a raw Yjs socket. */
    const socketOf = async (url: string, token: string) => {
      const client = connectClient(url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: { token },
      })
      clients.push(client as Client)
      const seen: { reason?: string; disconnect?: string } = {}
      client.on(DISCONNECT_REASON_EVENT, (payload: unknown) => {
        seen.reason = DisconnectReasonSchema.parse(payload).code
      })
      client.on('disconnect', (why) => {
        seen.disconnect = why
      })
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve())
        client.once('connect_error', reject)
      })
      return { client, seen }
    }
    const yjsOf = async (url: string, token: string, doc: string) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/yjs/${doc}?token=${token}`)
      const seen: { close?: { code: number; reason: string } } = {}
      ws.on('close', (code, reason) => {
        seen.close = { code, reason: reason.toString() }
      })
      ws.on('error', () => undefined)
      await new Promise((resolve) => ws.once('open', resolve))
      return { ws, seen }
    }
    const adas = {
      sockets: [await socketOf(a.url, ada.token), await socketOf(b.url, ada.token)],
      docs: [await yjsOf(a.url, ada.token, 'signout'), await yjsOf(b.url, ada.token, 'signout')],
    }
    const bobs = {
      sockets: [await socketOf(a.url, bob.token), await socketOf(b.url, bob.token)],
      docs: [await yjsOf(a.url, bob.token, 'signout'), await yjsOf(b.url, bob.token, 'signout')],
    }

    // The web app's `DELETE /api/session`, on yet another instance: the table, then Redis.
    const database = await openDatabase({
      kind: 'postgres',
      url: services.databaseUrl,
      schema: schema.name,
    })
    const commands = new Redis(services.redisUrl)
    const subscriber = new Redis(services.redisUrl)
    const web = createClusterRevocationStore({
      db: database.db,
      redis: commands,
      subscriber,
      keyPrefix: redis.prefix,
      log: () => undefined,
    })
    try {
      await web.revoke(ada.tokenId, ada.expiresAt)
      const signedOutAt = Date.now()
      await waitFor(
        () =>
          adas.sockets.every(({ seen }) => seen.disconnect) &&
          adas.docs.every(({ seen }) => seen.close),
        { message: "Ada's connections on A and B to close", timeoutMs: 10_000 },
      )
      expect(Date.now() - signedOutAt).toBeLessThanOrEqual(2000)
      for (const { seen } of adas.sockets) {
        expect(seen).toEqual({ reason: 'signed_out', disconnect: 'io server disconnect' })
      }
      for (const { seen } of adas.docs)
        expect(seen.close).toEqual({ code: 4401, reason: 'Signed out' })
      // Bob, on the same instances and the same document, is not signed out with her.
      for (const { client } of bobs.sockets) expect(client.connected).toBe(true)
      for (const { ws } of bobs.docs) expect(ws.readyState).toBe(WebSocket.OPEN)
      for (const { client } of bobs.sockets) client.disconnect()
      for (const { ws } of bobs.docs) ws.close()
    } finally {
      await web.close()
      commands.disconnect()
      subscriber.disconnect()
      await database.close()
    }
  })

  it('on SIGTERM, lets its clients reconnect to a survivor and recover, and exits in time', async () => {
    const viaProxy = await failoverProxy([a.port, c.port])
    const ada = await connect(viaProxy, users.ada, true)
    const bob = await connect(b.url, users.bob)
    await join(ada, 'handover')
    await join(bob, 'handover')
    const atAda = collect(ada, 'room-message')
    const leftAtBob = collect(bob, 'user-left')
    const first = await bob.emitWithAck('send-message', {
      roomId: 'handover',
      text: 'before',
      clientId: 't-1',
    })
    await waitFor(() => atAda.length === 1, 'the first message')
    const adaDoc = await openDoc(viaProxy, users.ada, 'handover-doc')
    const bobDoc = await openDoc(b.url, users.bob, 'handover-doc')
    adaDoc.text.insert(0, 'draft')
    await waitFor(() => bobDoc.text.toString() === 'draft', 'the draft on B')

    const stoppedAt = Date.now()
    a.child.kill('SIGTERM')
    await waitFor(() => !ada.connected, { message: 'Ada to be cut off', timeoutMs: 10_000 })
    const away = await bob.emitWithAck('send-message', {
      roomId: 'handover',
      text: 'while you were away',
      clientId: 't-2',
    })
    const { code } = await a.exited
    expect(code).toBe(0)
    expect(Date.now() - stoppedAt).toBeLessThan(10_000)
    const log = a.output.join('')
    expect(log).toMatch(/SIGTERM: stopping/)
    expect(log).toMatch(/closed 1 Socket\.IO connection/)
    expect(log).toMatch(/\[realtime\] stopped/)

    await waitFor(() => ada.connected, {
      message: 'Ada to reconnect through the proxy to C',
      timeoutMs: 15_000,
    })
    expect(ada.recovered).toBe(true)
    await waitFor(() => atAda.length === 2, 'the message sent while Ada was away')
    expect(atAda.map((m) => m.id)).toEqual([
      first.ok && first.message.id,
      away.ok && away.message.id,
    ])
    // Still in the room on C without joining again.
    const back = await ada.emitWithAck('send-message', {
      roomId: 'handover',
      text: 'back',
      clientId: 't-3',
    })
    expect(back.ok).toBe(true)

    // The editor reconnected to C as well, and kept editing with Bob on B.
    await waitFor(() => adaDoc.provider.wsconnected, {
      message: 'the editor to reconnect',
      timeoutMs: 15_000,
    })
    adaDoc.text.insert(adaDoc.text.length, ' v2')
    await waitFor(() => bobDoc.text.toString() === 'draft v2', {
      message: 'the edit made on C to reach B',
      timeoutMs: 15_000,
    })

    // A's entry in presence expired and was swept; Ada's socket, taken over by C, was spared.
    await sleep(NOTICE_WITHIN_MS)
    expect(leftAtBob).toEqual([])
    ada.disconnect()
    bob.disconnect()
    adaDoc.provider.destroy()
    bobDoc.provider.destroy()
  })

  it('after a SIGKILL, removes the dead instance’s members and cursors, and loses or doubles no acked message', async () => {
    const d = await startInstance('D')
    const viaProxy = await failoverProxy([b.port, c.port])
    const dan = await connect(d.url, users.dan)
    const cy = await connect(b.url, users.cy)
    const eve = await connect(viaProxy, users.eve, true)
    const presenceAtDan = collect(dan, 'presence')
    await join(dan)
    await join(cy)
    await join(eve)
    await waitFor(() => names(presenceAtDan.at(-1)?.members ?? []).includes('Cy'), 'Dan to see Cy')
    const cyDoc = await openDoc(b.url, users.cy, 'cursors')
    const danDoc = await openDoc(d.url, users.dan, 'cursors')
    await waitFor(
      () => danDoc.provider.awareness.getStates().has(cyDoc.doc.clientID),
      "Cy's cursor at Dan's",
    )

    const acked: ChatMessage[] = []
    const sending = (async () => {
      for (let i = 0; i < 20; i++) {
        acked.push(await sendUntilAcked(eve, `m${i}`, `k-${i}`))
        await sleep(25)
      }
    })()
    // Awaited below; until then a failure must not count as unhandled.
    sending.catch(() => undefined)
    await waitFor(() => acked.length >= 5, 'a few messages through B')
    const killedAt = Date.now()
    b.child.kill('SIGKILL')
    await b.exited

    await waitFor(() => !names(presenceAtDan.at(-1)?.members ?? []).includes('Cy'), {
      message: 'Cy (on the dead instance) to leave presence',
      timeoutMs: NOTICE_WITHIN_MS,
    })
    const presenceGoneMs = Date.now() - killedAt
    await waitFor(() => !danDoc.provider.awareness.getStates().has(cyDoc.doc.clientID), {
      message: "Cy's cursor to disappear",
      timeoutMs: NOTICE_WITHIN_MS,
    })
    const cursorGoneMs = Date.now() - killedAt
    cyDoc.provider.destroy()

    await sending
    // Every message Eve got an ack for is stored exactly once, in the order she sent them.
    const history = await dan.emitWithAck('load-history', { roomId: 'general', limit: 100 })
    if (!history.ok) throw new Error(history.error.message)
    const eves = history.messages.filter((m) => m.userId === 'u_eve').map((m) => m.clientId)
    expect(eves).toEqual(acked.map((m) => m.clientId))
    expect(new Set(acked.map((m) => m.id)).size).toBe(20)
    // No ghost: whoever is listed is connected to a live instance.
    await waitFor(
      () => names(presenceAtDan.at(-1)?.members ?? []).join() === 'Dan,Eve',
      'presence to settle on Dan and Eve',
    )
    console.info(
      `[cluster test] after SIGKILL: presence cleared in ${presenceGoneMs} ms, ` +
        `cursor in ${cursorGoneMs} ms (instance timeout ${INSTANCE_TIMEOUT_MS} ms)`,
    )
    danDoc.provider.destroy()
  })

  it('runs migrations from two processes at once, and refuses half a cluster configuration', async () => {
    const fresh = await createTestSchema(services.databaseUrl)
    try {
      const env = clusterEnv({ DATABASE_SCHEMA: fresh.name })
      const runs = [run('src/migrate.ts', env), run('src/migrate.ts', env)]
      const half = run('src/index.ts', { ...clusterEnv(), REDIS_URL: '' })
      const results = await Promise.all(runs.map((r) => r.exited))
      expect(results.map((r) => r.code)).toEqual([0, 0])
      const outputs = runs.map((r) => r.output.join('')).sort()
      expect(outputs.filter((o) => /applied 0001_initial/.test(o))).toHaveLength(1)
      expect(outputs.filter((o) => /already up to date/.test(o))).toHaveLength(1)
      const client = new pg.Client({ connectionString: services.databaseUrl })
      await client.connect()
      try {
        const { rows } = await client.query<{ name: string }>(
          `select name from ${fresh.name}.kysely_migration`,
        )
        // The shared no-op first, then each feature's own (see src/shared/storage/migrations.ts).
        expect(rows.map((r) => r.name).sort()).toEqual([
          '0001_initial',
          'chat_0001_initial',
          'chat_0002_room_names_and_seq',
          'collab_0001_initial',
          'collab_0002_doc_owner',
          'collab_0003_generations',
          'collab_0004_tombstone_actor',
          // Shared with the web app (signed-out sessions), from @duplex/auth.
          'session_0001_revocations',
        ])
      } finally {
        await client.end()
      }

      expect((await half.exited).code).toBe(1)
      expect(half.output.join('')).toMatch(
        /REDIS_URL: cluster mode needs both DATABASE_URL \(PostgreSQL\) and REDIS_URL/,
      )
    } finally {
      await fresh.drop()
    }
  })
})

if (!services.ok) {
  describe('cluster mode with several instances', () => {
    it.skip(`needs PostgreSQL and Redis: ${services.reason}`, () => undefined)
  })
}
