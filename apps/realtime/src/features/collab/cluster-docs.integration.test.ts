import { COLLAB_TEXT_KEY, DocListSchema } from '@duplex/protocol/collab'
import { ApiErrorSchema } from '@duplex/protocol/errors'
import type { SessionUser } from '@duplex/protocol/session'
import {
  createTestRedisPrefix,
  createTestSchema,
  testServices,
  type TestRedisPrefix,
  type TestSchema,
} from '@duplex/testing/services'
import { sessionToken } from '@duplex/testing/session'
import { sleep, waitFor } from '@duplex/testing/wait'
import { mkdtemp, rm } from 'node:fs/promises'
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { instanceEnv, startInstance, type TestInstance } from '../../test-instances.ts'
import { openDocs } from './test-docs.ts'

// Two realtime instances (processes) on one PostgreSQL schema and one Redis prefix: a delete or a
// rename made on one reaches the editors on the other, and no copy anywhere writes it back.

const services = await testServices()
const ada: SessionUser = { id: 'u_ada', name: 'Ada' }
const bob: SessionUser = { id: 'u_bob', name: 'Bob' }
type ProviderOptions = NonNullable<ConstructorParameters<typeof WebsocketProvider>[3]>

/**
 * A TCP proxy to Redis that the test can cut (every connection dropped, new ones refused) and
 * restore: one instance cut off from Redis while the rest of the cluster keeps it.
 */
async function cuttableProxy(target: URL) {
  let up = true
  const open = new Set<Socket>()
  const server = createServer((client) => {
    if (!up) return client.destroy()
    const upstream = createConnection(Number(target.port || 6379), target.hostname)
    for (const socket of [client, upstream]) {
      open.add(socket)
      socket.on('error', () => undefined)
      socket.on('close', () => {
        open.delete(socket)
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `redis://127.0.0.1:${port}`,
    cut() {
      up = false
      for (const socket of open) socket.destroy()
    },
    restore() {
      up = true
    },
    close: () => {
      for (const socket of open) socket.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

describe.skipIf(!services.ok)('documents across instances', { timeout: 120_000 }, () => {
  let schema: TestSchema
  let redis: TestRedisPrefix
  let dataDir: string
  let a: TestInstance
  let b: TestInstance
  let bToRedis: Awaited<ReturnType<typeof cuttableProxy>>
  const providers: WebsocketProvider[] = []

  beforeAll(async () => {
    schema = await createTestSchema(services.databaseUrl)
    redis = createTestRedisPrefix(services.redisUrl)
    dataDir = await mkdtemp(path.join(tmpdir(), 'duplex-cluster-docs-'))
    bToRedis = await cuttableProxy(new URL(services.redisUrl))
    const cluster = {
      databaseUrl: services.databaseUrl,
      schema: schema.name,
      redisUrl: services.redisUrl,
      keyPrefix: redis.prefix,
      dataDir,
    }
    // One after the other: the first migrates the schema. B reaches Redis through the proxy.
    a = await startInstance('A', instanceEnv(cluster))
    b = await startInstance('B', instanceEnv({ ...cluster, redisUrl: bToRedis.url }))
  }, 240_000)

  afterAll(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    await Promise.all([a?.kill(), b?.kill()])
    await bToRedis?.close()
    await schema?.drop()
    await redis?.clean()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  }, 30_000)

  async function openDoc(instance: TestInstance, user: SessionUser, name: string) {
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(`${instance.url.replace('http', 'ws')}/yjs`, name, doc, {
      params: { token: await sessionToken(user) },
      WebSocketPolyfill: WebSocket as unknown as ProviderOptions['WebSocketPolyfill'],
      disableBc: true,
      maxBackoffTime: 300,
    })
    providers.push(provider)
    await waitFor(() => provider.synced, {
      message: `${user.name} to sync ${name}`,
      timeoutMs: 15_000,
    })
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      provider.on('connection-close', (event: { code: number; reason: string } | null) => {
        if (event && event.code >= 4000) resolve({ code: event.code, reason: event.reason })
      }),
    )
    return { provider, text: doc.getText(COLLAB_TEXT_KEY), closed }
  }

  async function call(instance: TestInstance, user: SessionUser, route: string, init = {}) {
    return fetch(`${instance.url}${route}`, {
      ...init,
      headers: {
        authorization: `Bearer ${await sessionToken(user)}`,
        'content-type': 'application/json',
      },
    })
  }

  async function listedOn(instance: TestInstance): Promise<string[]> {
    const response = await call(instance, ada, '/api/docs')
    return DocListSchema.parse(await response.json()).docs.map((doc) => doc.name)
  }

  /** The stored text of `name` (undefined when it has no row), as a fresh load would see it. */
  async function stored(name: string): Promise<string | undefined> {
    const docs = await openDocs({
      kind: 'postgres',
      url: services.databaseUrl,
      schema: schema.name,
    })
    try {
      if (!(await docs.getDoc(name))) return undefined
      const copy = new Y.Doc()
      for (const update of await docs.loadDocUpdates(name)) Y.applyUpdate(copy, update)
      return copy.getText(COLLAB_TEXT_KEY).toString()
    } finally {
      await docs.close()
    }
  }

  /** Every provider destroyed (so each instance flushes its copies), then a moment for writes. */
  async function everyoneLeaves(): Promise<void> {
    for (const provider of providers.splice(0)) provider.destroy()
    await sleep(1500)
  }

  it('refuses a delete or rename by anyone but the owner, on any instance', async () => {
    const onA = await openDoc(a, ada, 'owned')
    onA.text.insert(0, 'Ada’s')
    await waitFor(async () => (await stored('owned')) === 'Ada’s', 'the first edit')
    for (const instance of [a, b]) {
      const refused = await call(instance, bob, '/api/docs/owned', { method: 'DELETE' })
      expect(refused.status).toBe(403)
      expect(ApiErrorSchema.parse(await refused.json()).error.code).toBe('forbidden')
      const renamed = await call(instance, bob, '/api/docs/owned', {
        method: 'PATCH',
        body: JSON.stringify({ name: 'bobs' }),
      })
      expect(renamed.status).toBe(403)
    }
    expect(await stored('owned')).toBe('Ada’s')
    await everyoneLeaves()
  })

  it('closes the editors on the other instance when a document is deleted, and no flush brings it back', async () => {
    const onA = await openDoc(a, ada, 'doomed')
    const onB = await openDoc(b, bob, 'doomed')
    onA.text.insert(0, 'written on A')
    await waitFor(() => onB.text.toString() === 'written on A', 'the text on B')
    await waitFor(async () => (await stored('doomed')) === 'written on A', 'the edit to be stored')

    // Bob is typing on B right up to the delete.
    onB.text.insert(onB.text.length, ' and B')
    const deleted = await call(a, ada, '/api/docs/doomed', { method: 'DELETE' })
    expect(deleted.status).toBe(204)
    expect(await onA.closed).toEqual({ code: 4404, reason: 'Document deleted' })
    expect(await onB.closed).toEqual({ code: 4404, reason: 'Document deleted' })

    // Both copies leave memory, each writing what it would write: nothing of it.
    await everyoneLeaves()
    expect(await stored('doomed')).toBeUndefined()
    expect(await listedOn(a)).not.toContain('doomed')
    expect(await listedOn(b)).not.toContain('doomed')
  })

  it('closes the editors on the other instance with the new name, and keeps their last edits', async () => {
    const onA = await openDoc(a, ada, 'draft')
    const onB = await openDoc(b, bob, 'draft')
    onA.text.insert(0, '[ada]')
    await waitFor(() => onB.text.toString() === '[ada]', 'the text on B')
    await waitFor(async () => (await stored('draft')) === '[ada]', 'the document to exist')
    // Bob's edit races the rename: it lands under the old name before, or follows it after.
    onB.text.insert(onB.text.length, '[bob]')
    const renamed = await call(a, ada, '/api/docs/draft', {
      method: 'PATCH',
      body: JSON.stringify({ name: 'final' }),
    })
    expect(renamed.status).toBe(200)
    expect(await onB.closed).toEqual({ code: 4409, reason: 'renamed:final' })
    expect(await onA.closed).toEqual({ code: 4409, reason: 'renamed:final' })

    await everyoneLeaves()
    expect(await stored('draft')).toBeUndefined()
    expect(await stored('final')).toBe('[ada][bob]')
    const again = await openDoc(b, bob, 'final')
    expect(again.text.toString()).toBe('[ada][bob]')
    await everyoneLeaves()
  })

  it('closes the editors of an instance cut off from Redis when the document is deleted, from storage, and nothing comes back', async () => {
    const onA = await openDoc(a, ada, 'unheard')
    const onB = await openDoc(b, bob, 'unheard')
    onA.text.insert(0, 'from A')
    await waitFor(() => onB.text.toString() === 'from A', 'the text on B')
    await waitFor(async () => (await stored('unheard')) === 'from A', 'the edit to be stored')

    // B loses Redis: the delete's announcement cannot reach it.
    bToRedis.cut()
    try {
      const deleted = await call(a, ada, '/api/docs/unheard', { method: 'DELETE' })
      expect(deleted.status).toBe(204)
      expect(await onA.closed).toEqual({ code: 4404, reason: 'Document deleted' })
      // B asks storage about the documents it holds every 5 s, Redis or not.
      const closed = await Promise.race([
        onB.closed,
        sleep(20_000).then(() => 'Bob’s editor on B was not closed within 20 s'),
      ])
      expect(closed).toEqual({ code: 4404, reason: 'Document deleted' })
      await everyoneLeaves()
      expect(await stored('unheard')).toBeUndefined()
    } finally {
      bToRedis.restore()
    }
    // Back on Redis, B still has nothing of it to write back.
    await sleep(1500)
    expect(await stored('unheard')).toBeUndefined()
    expect(await listedOn(b)).not.toContain('unheard')
  })

  it('gives each side the edits made while one instance was cut off from Redis, both ways', async () => {
    const onA = await openDoc(a, ada, 'apart')
    const onB = await openDoc(b, bob, 'apart')
    onA.text.insert(0, 'a0 ')
    await waitFor(() => onB.text.toString() === 'a0 ', 'the first edit on B')

    bToRedis.cut()
    try {
      // Each side keeps editing; neither can hear the other.
      onA.text.insert(onA.text.length, 'a1 ')
      onB.text.insert(onB.text.length, 'b1 ')
      await sleep(1500)
      expect(onA.text.toString()).not.toContain('b1')
    } finally {
      bToRedis.restore()
    }
    // Once B is back, both hold both edits: B asked for A's, and A was asked back for B's.
    for (const [side, text] of [
      ['A', onA.text],
      ['B', onB.text],
    ] as const) {
      await waitFor(() => ['a0', 'a1', 'b1'].every((edit) => text.toString().includes(edit)), {
        timeoutMs: 15_000,
        message: () => `every edit on ${side}, which has "${text.toString()}"`,
      })
    }
    expect(onA.text.toString()).toBe(onB.text.toString())
    await everyoneLeaves()
  })
})
