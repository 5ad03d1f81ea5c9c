import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { createPostgresPool } from '@duplex/cluster'
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  SESSION_MIGRATIONS,
  createClusterRevocationStore,
  type ClusterRevocationStore,
  type RevocationRedis,
  type RevocationSubscriber,
} from './cluster.ts'
import { createSessionToken, verifySessionToken } from './token.ts'

// The cluster store on a real PostgreSQL (a fresh schema of the machine's shared one) with an
// in-memory Redis whose failures the test controls exactly: a restart that forgets every key, an
// outage, a broadcast delivered late or never. The same store over a real private Redis that is
// restarted for real is tested where the apps wire it (apps/web and apps/realtime).
// (`@duplex/testing` cannot be used here: it depends on this package.)

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const secret = 'a-test-secret-that-is-long-enough-for-hs256'

/** One instance's network path to Redis; `cut` is a partition that closes no connection. */
interface Link {
  cut: boolean
  /** GETs sent over it. */
  gets?: number
}

/** One in-memory Redis: keys, channels, and what a restart or an outage does to its clients. */
class FakeRedis {
  keys = new Map<string, string>()
  subscribers = new Set<FakeSubscriber>()
  up = true
  /** Held broadcasts, delivered by `deliver()`: a message still on its way. */
  held: (() => void)[] | undefined
  refusePublish = false

  client(link: Link = { cut: false }): RevocationRedis {
    const check = async () => {
      // A partition that closes nothing: the command is never answered.
      if (link.cut) await new Promise(() => undefined)
      if (!this.up) throw new Error('Connection is closed.')
    }
    // What ioredis knows: a restart closes the connection, a silent partition does not.
    const isUp = () => this.up
    return {
      get status() {
        return isUp() ? 'ready' : 'reconnecting'
      },
      set: async (key, value) => {
        await check()
        this.keys.set(key, value)
      },
      get: async (key) => {
        link.gets = (link.gets ?? 0) + 1
        await check()
        return this.keys.get(key) ?? null
      },
      publish: async (channel, message) => {
        await check()
        if (this.refusePublish) throw new Error('Connection is closed.')
        for (const subscriber of this.subscribers) {
          if (!subscriber.channels.has(channel) || subscriber.link.cut) continue
          const send = () => subscriber.emit('message', channel, message)
          if (this.held) this.held.push(send)
          else queueMicrotask(send)
        }
      },
    }
  }

  subscriber(link: Link = { cut: false }): FakeSubscriber {
    const subscriber = new FakeSubscriber(this, link)
    this.subscribers.add(subscriber)
    return subscriber
  }

  deliver(): void {
    for (const send of this.held?.splice(0) ?? []) send()
    this.held = undefined
  }

  /** Down: every connection closes, every command fails. */
  stop(): void {
    this.up = false
    this.keys.clear()
    for (const subscriber of this.subscribers) subscriber.drop()
  }

  /** Back, empty (nothing on disk), and the clients reconnect and resubscribe as ioredis does. */
  start(): void {
    this.up = true
    for (const subscriber of this.subscribers) subscriber.reconnect()
  }
}

class FakeSubscriber extends EventEmitter implements RevocationSubscriber {
  status = 'ready'
  channels = new Set<string>()
  private remembered = new Set<string>()
  constructor(
    private readonly redis: FakeRedis,
    readonly link: Link,
  ) {
    super()
  }
  async subscribe(channel: string) {
    if (this.link.cut) await new Promise(() => undefined)
    if (!this.redis.up) throw new Error('Connection is closed.')
    this.channels.add(channel)
    this.remembered.add(channel)
  }
  async unsubscribe(channel: string) {
    this.channels.delete(channel)
    this.remembered.delete(channel)
  }
  drop() {
    this.status = 'reconnecting'
    this.channels.clear()
    this.emit('close')
  }
  reconnect() {
    this.status = 'ready'
    for (const channel of this.remembered) this.channels.add(channel)
    this.emit('ready')
  }
}

const pool = createPostgresPool({
  url: DATABASE_URL,
  schema: `auth_${randomBytes(6).toString('hex')}`,
})
const schema = /search_path=(\S+)/.exec(String(pool.options.options))?.[1] ?? ''
const db = new Kysely<unknown>({
  dialect: new PostgresDialect({ pool }),
  plugins: [new CamelCasePlugin()],
})
const reachable = await pool
  .query('select 1')
  .then(() => true)
  .catch((error: unknown) => {
    console.warn(
      `[test] skipping the cluster store: PostgreSQL at ${DATABASE_URL}: ${String(error)}`,
    )
    return false
  })

describe.skipIf(!reachable)('the cluster revocation store', () => {
  const stores: ClusterRevocationStore[] = []
  let redis: FakeRedis
  let prefix: string

  beforeAll(async () => {
    await sql`create schema ${sql.id(schema)}`.execute(db)
    // Both apps run it; the second run changes nothing.
    await SESSION_MIGRATIONS.session_0001_revocations?.up(db)
    await SESSION_MIGRATIONS.session_0001_revocations?.up(db)
  })
  afterAll(async () => {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)
    await db.destroy()
  })
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()))
  })

  /** One instance of an app: its own store over the shared database and Redis. */
  async function instance(options: { db?: Kysely<unknown>; resyncMs?: number } = {}) {
    const store = createClusterRevocationStore({
      db: options.db ?? db,
      redis: redis.client(),
      subscriber: redis.subscriber(),
      keyPrefix: prefix,
      log: () => {},
      resyncMs: options.resyncMs,
      databaseTimeoutMs: 1000,
    })
    stores.push(store)
    await store.ready()
    return store
  }

  const newRedis = () => {
    redis = new FakeRedis()
    prefix = `t${randomBytes(4).toString('hex')}:`
  }

  const check = (store: ClusterRevocationStore, token: string) =>
    verifySessionToken(token, secret, { revocations: store })

  it('refuses a token on another instance right after the sign-out, before its broadcast arrives', async () => {
    newRedis()
    const [web, realtime] = [await instance(), await instance()]
    const session = await createSessionToken({ id: 'u_ada', name: 'Ada' }, secret)
    expect(await check(realtime, session.token)).toMatchObject({ ok: true })

    redis.held = []
    await web.revoke(session.tokenId, session.expiresAt)
    // The message is still on its way; the key is already there.
    expect(realtime.knownRevoked(session.tokenId)).toBe(false)
    expect(await check(realtime, session.token)).toMatchObject({ ok: false, reason: 'revoked' })
    redis.deliver()
  })

  it('forgets nothing when Redis restarts empty, and checks need no database once resynced', async () => {
    newRedis()
    // `other` counts its queries, to show where its answers come from.
    const queries: string[] = []
    const counted = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => void queries.push(event.query.sql),
    })
    const [web, other] = [await instance(), await instance({ db: counted, resyncMs: 200 })]
    const heard: string[] = []
    other.onRevoked((jti) => heard.push(jti))
    const before = await createSessionToken({ id: 'u_ada', name: 'Ada' }, secret)
    const kept = await createSessionToken({ id: 'u_bob', name: 'Bob' }, secret)
    await web.revoke(before.tokenId, before.expiresAt)

    redis.stop()
    expect(other.mode()).toBe('database')
    // While Redis is away the database answers.
    expect(await check(other, before.token)).toMatchObject({ reason: 'revoked' })
    const during = await createSessionToken({ id: 'u_cy', name: 'Cy' }, secret)
    await web.revoke(during.tokenId, during.expiresAt) // stored; the broadcast fails
    expect(await check(other, during.token)).toMatchObject({ reason: 'revoked' })
    // One `other` does not ask about: it hears of it from the table all the same, while Redis is
    // still down (so the session's connections there close).
    const unseen = await createSessionToken({ id: 'u_di', name: 'Di' }, secret)
    await web.revoke(unseen.tokenId, unseen.expiresAt)
    await vi.waitFor(() => expect(heard).toContain(unseen.tokenId), { timeout: 3000 })

    redis.start()
    expect(redis.keys.size).toBe(0)
    // A third instance that starts now knows only what the database says.
    const fresh = await instance()
    await vi.waitFor(() => expect(other.mode()).toBe('live'))
    queries.length = 0
    for (const store of [web, other, fresh]) {
      expect(await check(store, before.token)).toMatchObject({ reason: 'revoked' })
      expect(await check(store, during.token)).toMatchObject({ reason: 'revoked' })
      expect(await check(store, unseen.token)).toMatchObject({ reason: 'revoked' })
      expect(await check(store, kept.token)).toMatchObject({ ok: true })
    }
    // Live again: memory and one Redis GET answer; the database is not asked.
    expect(queries.filter((query) => query.includes('where jti ='))).toEqual([])
  })

  it('answers unavailable when Redis and the database are both down, and refuses to sign out', async () => {
    newRedis()
    const session = await createSessionToken({ id: 'u_ada', name: 'Ada' }, secret)
    const unreachable = new Kysely<unknown>({
      dialect: new PostgresDialect({
        pool: createPostgresPool({ url: 'postgres://postgres@127.0.0.1:1/nowhere' }),
      }),
    })
    try {
      const store = createClusterRevocationStore({
        db: unreachable,
        redis: redis.client(),
        subscriber: redis.subscriber(),
        keyPrefix: prefix,
        log: () => {},
      })
      stores.push(store)
      // Never loaded (the database is down), so Redis alone cannot be trusted: unavailable.
      expect(await check(store, session.token)).toMatchObject({
        ok: false,
        reason: 'unavailable',
        retryAfterMs: 2000,
      })
      await expect(store.revoke(session.tokenId, session.expiresAt)).rejects.toMatchObject({
        name: 'RevocationsUnavailableError',
      })
      // Nothing was signed out, so nothing was broadcast either.
      expect(redis.keys.size).toBe(0)
    } finally {
      await unreachable.destroy()
    }
  })

  it('keeps answering from memory and Redis while the database is down', async () => {
    newRedis()
    const other = await instance()
    const signedOut = await createSessionToken({ id: 'u_ada', name: 'Ada' }, secret)
    await (await instance()).revoke(signedOut.tokenId, signedOut.expiresAt)
    await vi.waitFor(() => expect(other.knownRevoked(signedOut.tokenId)).toBe(true))
    // This instance's queries now fail: a database that went away.
    const unreachable = new Kysely<unknown>({
      dialect: new PostgresDialect({
        pool: createPostgresPool({ url: 'postgres://postgres@127.0.0.1:1/nowhere' }),
      }),
    })
    try {
      const cutOff = createClusterRevocationStore({
        db: unreachable,
        redis: redis.client(),
        subscriber: redis.subscriber(),
        keyPrefix: prefix,
        log: () => {},
      })
      stores.push(cutOff)
      const good = await createSessionToken({ id: 'u_bob', name: 'Bob' }, secret)
      expect(await check(other, good.token)).toMatchObject({ ok: true })
      expect(await check(other, signedOut.token)).toMatchObject({ reason: 'revoked' })
    } finally {
      await unreachable.destroy()
    }
  })

  it('tells every instance once, and a lost broadcast reaches them at the next resync', async () => {
    newRedis()
    const web = await instance({ resyncMs: 200 })
    const realtime = await instance({ resyncMs: 200 })
    const heard: string[] = []
    realtime.onRevoked((jti) => heard.push(jti))
    const first = await createSessionToken({ id: 'u_ada', name: 'Ada' }, secret)
    await web.revoke(first.tokenId, first.expiresAt)
    await vi.waitFor(() => expect(heard).toEqual([first.tokenId]))

    // The signing-out instance cannot publish (cut off from Redis); it is stored all the same.
    redis.refusePublish = true
    const second = await createSessionToken({ id: 'u_bob', name: 'Bob' }, secret)
    await web.revoke(second.tokenId, second.expiresAt)
    await vi.waitFor(() => expect(heard).toEqual([first.tokenId, second.tokenId]), {
      timeout: 3000,
    })
    // Signing out twice is not news.
    redis.refusePublish = false
    await web.revoke(first.tokenId, first.expiresAt)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(heard).toEqual([first.tokenId, second.tokenId])
  })

  it('an instance cut off from Redis without noticing asks the database, and still hears sign-outs', async () => {
    newRedis()
    const web = await instance()
    const link: Link = { cut: false }
    const cutOff = createClusterRevocationStore({
      db,
      redis: redis.client(link),
      subscriber: redis.subscriber(link),
      keyPrefix: prefix,
      log: () => {},
      resyncMs: 200,
      redisTimeoutMs: 300,
    })
    stores.push(cutOff)
    await cutOff.ready()
    const heard: string[] = []
    cutOff.onRevoked((jti) => heard.push(jti))

    link.cut = true
    const session = await createSessionToken({ id: 'u_ada', name: 'Ada' }, secret)
    const other = await createSessionToken({ id: 'u_bob', name: 'Bob' }, secret)
    await web.revoke(session.tokenId, session.expiresAt)
    // Its subscriber was told nothing; its first GET times out, and the database answers.
    expect(await check(cutOff, other.token)).toMatchObject({ ok: true })
    expect(cutOff.mode()).toBe('database')
    // Later checks go straight to the database instead of waiting for Redis each time.
    const gets = link.gets
    expect(await check(cutOff, other.token)).toMatchObject({ ok: true })
    expect(link.gets).toBe(gets)
    // The sign-out made elsewhere reaches its listeners through the table, unasked (so its
    // connections close), and its checks refuse the token.
    await vi.waitFor(() => expect(heard).toEqual([session.tokenId]), { timeout: 3000 })
    expect(await check(cutOff, session.token)).toMatchObject({ reason: 'revoked' })

    link.cut = false
    await vi.waitFor(() => expect(cutOff.mode()).toBe('live'), { timeout: 3000 })
  })

  it('drops entries whose token has expired, from memory and from the table', async () => {
    newRedis()
    let now = Date.now()
    const store = createClusterRevocationStore({
      db,
      redis: redis.client(),
      subscriber: redis.subscriber(),
      keyPrefix: prefix,
      log: () => {},
      now: () => now,
      resyncMs: 50,
    })
    stores.push(store)
    await store.ready()
    const jti = `short-${randomBytes(4).toString('hex')}`
    await store.revoke(jti, now + 1000)
    expect(store.knownRevoked(jti)).toBe(true)
    now += 2 * 60 * 60_000
    expect(store.knownRevoked(jti)).toBe(false)
    await vi.waitFor(async () => {
      const { rows } = await sql`select 1 from session_revocations where jti = ${jti}`.execute(db)
      expect(rows).toEqual([])
    })
  })
})
