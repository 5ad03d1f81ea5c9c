import type { ClientToServerEvents, ServerToClientEvents } from '@duplex/protocol/chat'
import type { SessionUser } from '@duplex/protocol/session'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { io as connectClient, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  startPrivateRedis,
  whyNoPrivateServices,
  type PrivateRedis,
} from '@duplex/testing/private-services'
import { freshPrefix } from '@duplex/testing/names'
import { createTestSchema, testServices, type TestSchema } from '@duplex/testing/services'
import { sessionToken, TEST_SESSION_SECRET } from '@duplex/testing/session'
import { waitFor } from '@duplex/testing/wait'

// The realtime server as production runs it (`src/index.ts`, its own process) on a Redis of this
// test's own. Redis is killed while clients are in the middle of a Socket.IO session recovery:
// every dropped socket makes the Redis streams adapter write its session to Redis, a write nobody
// awaits (socket.io's `persistSession`). Node exits on such a rejection by default; the process
// must log it, count it and keep serving.

type Client = Socket<ServerToClientEvents, ClientToServerEvents>

const APP_DIR = path.resolve(import.meta.dirname, '..')
const ada: SessionUser = { id: 'u_ada', name: 'Ada' }
const bob: SessionUser = { id: 'u_bob', name: 'Bob' }
const cy: SessionUser = { id: 'u_cy', name: 'Cy' }
const dan: SessionUser = { id: 'u_dan', name: 'Dan' }

const services = await testServices()
const why =
  (await whyNoPrivateServices()) ?? (services.ok ? undefined : `no PostgreSQL: ${services.reason}`)
if (why) console.warn(`[process survival] skipped: ${why}`)

describe.skipIf(why !== undefined)(
  'the realtime process when Redis dies mid-recovery',
  { timeout: 120_000 },
  () => {
    let redis: PrivateRedis
    let schema: TestSchema
    let dataDir: string
    let child: ChildProcess
    let exited: Promise<unknown>
    const output: string[] = []
    let url: string
    const clients: Client[] = []

    beforeAll(async () => {
      redis = await startPrivateRedis()
      schema = await createTestSchema(services.databaseUrl)
      dataDir = await mkdtemp(path.join(tmpdir(), 'duplex-survival-'))
      const env: NodeJS.ProcessEnv = { ...process.env }
      for (const name of ['DATABASE_URL', 'REDIS_URL', 'DATABASE_SCHEMA', 'REDIS_KEY_PREFIX']) {
        delete env[name]
      }
      child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
        cwd: APP_DIR,
        env: {
          ...env,
          DATABASE_URL: services.databaseUrl,
          DATABASE_SCHEMA: schema.name,
          REDIS_URL: redis.url,
          REDIS_KEY_PREFIX: freshPrefix('survival'),
          SESSION_SECRET: TEST_SESSION_SECRET,
          DUPLEX_DATA_DIR: dataDir,
          REALTIME_HOST: '127.0.0.1',
          REALTIME_PORT: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk))
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk))
      exited = new Promise((resolve) => child.once('exit', resolve))
      const port = await waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`exited early:\n${output.join('')}`)
          return /listening on http:\/\/localhost:(\d+)/.exec(output.join(''))?.[1]
        },
        // Generous: tsx compiles on start, on a busy 2-core machine.
        { message: 'the realtime server to listen', timeoutMs: 90_000, intervalMs: 50 },
      )
      url = `http://127.0.0.1:${port}`
    }, 120_000)

    afterAll(async () => {
      for (const client of clients.splice(0)) client.disconnect()
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await exited
      }
      await redis?.dispose()
      await schema?.drop()
      if (dataDir) await rm(dataDir, { recursive: true, force: true })
    }, 30_000)

    async function connect(user: SessionUser): Promise<Client> {
      const client: Client = connectClient(url, {
        transports: ['websocket'],
        forceNew: true,
        reconnectionDelay: 100,
        reconnectionDelayMax: 300,
        auth: { token: await sessionToken(user) },
      })
      clients.push(client)
      await new Promise<void>((resolve, reject) => {
        client.once('connect', resolve)
        client.once('connect_error', reject)
      })
      return client
    }

    async function join(client: Client) {
      const ack = await client.timeout(3000).emitWithAck('join-room', { roomId: 'general' })
      if (!ack.ok) throw new Error(`join failed: ${ack.error.code} ${ack.error.message}`)
    }

    async function unhandledRejections(): Promise<number> {
      const text = await (await fetch(`${url}/metrics`)).text()
      const match = /^duplex_realtime_unhandled_rejections_total (\d+)/m.exec(text)
      return Number(match?.[1] ?? Number.NaN)
    }

    it('logs and counts the rejections, stays up, and serves chat on this instance', async () => {
      // Ada and Bob stay connected; Cy and Dan are the ones whose connections drop.
      const [adaSocket, bobSocket, ...dropped] = await Promise.all([
        connect(ada),
        connect(bob),
        connect(cy),
        connect(dan),
      ])
      for (const client of [adaSocket, bobSocket, ...dropped]) await join(client)
      expect(await unhandledRejections()).toBe(0)

      await redis.stop()
      // Each drop is recoverable, so the server writes each session to Redis for the recovery
      // (which cannot happen: Redis is gone), and each client comes back asking for it.
      for (const client of dropped) client.io.engine.close()
      const count = await waitFor(
        async () => {
          const counted = await unhandledRejections()
          return counted >= dropped.length && counted
        },
        { message: 'the lost session writes to be counted', timeoutMs: 15_000 },
      )
      expect(child.exitCode).toBeNull()
      // Logged once per cause, not once per rejection.
      const logged = output.join('').match(/unhandled promise rejection/g) ?? []
      expect(logged.length).toBeGreaterThanOrEqual(1)
      expect(logged.length).toBeLessThan(count)

      // Still alive, and saying why it is not ready.
      expect((await fetch(`${url}/healthz`)).status).toBe(200)
      const ready = await fetch(`${url}/readyz`)
      expect(ready.status).toBe(503)
      expect(await ready.json()).toMatchObject({ dependencies: { redis: 'down', database: 'up' } })
      // And chat goes on on this instance.
      const atBob: string[] = []
      bobSocket.on('room-message', (message) => atBob.push(message.text))
      const ack = await adaSocket
        .timeout(3000)
        .emitWithAck('send-message', { roomId: 'general', text: 'still here', clientId: 'alive-1' })
      expect(ack.ok).toBe(true)
      await waitFor(() => atBob.includes('still here'), 'Bob to get the message')

      await redis.start()
      await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, {
        message: 'ready again once Redis is back',
        timeoutMs: 15_000,
      })
      // The dropped clients get in again (a new session: the old one could not be kept).
      for (const client of dropped) {
        await waitFor(
          () => {
            if (!client.connected) client.connect()
            return client.connected
          },
          { message: 'a dropped client to connect again', timeoutMs: 15_000, intervalMs: 500 },
        )
        await join(client)
      }
      expect(child.exitCode).toBeNull()
    })
  },
)
