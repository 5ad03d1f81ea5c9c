import { isStoreUnavailable } from '@duplex/cluster'
import { sql, type Kysely, type Migration } from 'kysely'
import { z } from 'zod'
import { RevocationsUnavailableError, type RevocationStore } from './revocation.ts'

/*
 * Signed-out sessions in cluster mode. The record is a row in PostgreSQL, so a Redis restart
 * forgets nothing; Redis is the fast path (one key per sign-out) and the broadcast (one message
 * per sign-out), so a check costs no database round trip while Redis is up.
 *
 * How a check stays correct without asking the database each time: every process keeps the set of
 * sessions signed out within one token lifetime (`known`). It is complete while the subscription
 * to the broadcast is live, because the process loaded the table *after* subscribing, and every
 * sign-out is stored before it is broadcast: a sign-out is either in what was loaded or in a
 * message that arrives after. The Redis key closes the one gap left (a check on another instance
 * a moment after the sign-out answered, before its message was delivered). When the subscription
 * drops (Redis restarted or cut off), the set may miss what was broadcast meanwhile: checks ask
 * the database until the set has been loaded again after resubscribing. A sign-out whose
 * broadcast failed (its instance cut off from Redis) is stored all the same and is read by every
 * instance's periodic resync, every `resyncMs`.
 */

/** The table, created by {@link SESSION_MIGRATIONS} in both apps' databases. */
const TABLE = 'session_revocations'

/**
 * The migrations of the signed-out sessions' table. Both apps list them (the web app with its
 * shared migrations, the realtime server in PostgreSQL mode), because either may start first;
 * they are written with IF NOT EXISTS, so the second to run changes nothing. Never edit one that
 * has shipped; add one.
 */
export const SESSION_MIGRATIONS: Record<string, Migration> = {
  session_0001_revocations: {
    async up(db) {
      await db.schema
        .createTable(TABLE)
        .ifNotExists()
        .addColumn('jti', 'text', (column) => column.primaryKey())
        // When the token would have expired anyway (ms since the epoch): the row may go then.
        .addColumn('expires_at', 'bigint', (column) => column.notNull())
        // When it was stored, by the database's clock: what the periodic resync reads from.
        .addColumn('revoked_at', 'bigint', (column) => column.notNull())
        .execute()
      await db.schema
        .createIndex(`${TABLE}_revoked_at`)
        .ifNotExists()
        .on(TABLE)
        .column('revoked_at')
        .execute()
      await db.schema
        .createIndex(`${TABLE}_expires_at`)
        .ifNotExists()
        .on(TABLE)
        .column('expires_at')
        .execute()
    },
  },
}

/** The Redis commands the store sends; an ioredis client fits as it is. */
export interface RevocationRedis {
  /** ioredis' connection state: anything but `ready` skips Redis at once instead of queueing. */
  readonly status?: string
  set(key: string, value: string, mode: 'PX', ms: number): Promise<unknown>
  get(key: string): Promise<string | null>
  publish(channel: string, message: string): Promise<unknown>
}

/**
 * The subscriber connection (ioredis in subscriber mode, which may be shared with other channels:
 * the store only listens to its own). `status` is ioredis's (`ready` when connected).
 */
export interface RevocationSubscriber {
  readonly status: string
  subscribe(channel: string): Promise<unknown>
  unsubscribe(channel: string): Promise<unknown>
  on(event: 'message' | 'ready' | 'close', listener: (...args: string[]) => void): unknown
  off(event: 'message' | 'ready' | 'close', listener: (...args: string[]) => void): unknown
}

export interface ClusterRevocationStoreOptions {
  /** The app's PostgreSQL, migrated with {@link SESSION_MIGRATIONS}. */
  db: Kysely<unknown>
  redis: RevocationRedis
  subscriber: RevocationSubscriber
  /** `REDIS_KEY_PREFIX`: the key and channel start with it. */
  keyPrefix: string
  /** Where a failed broadcast or resync is reported (once per outage). */
  log?: (message: string) => void
  now?: () => number
  /**
   * How often the table is read for sign-outs whose broadcast was lost (default 5000 ms): the
   * longest a sign-out made on an instance cut off from Redis goes unheard elsewhere.
   */
  resyncMs?: number
  /** How long a Redis command may take before the database is asked instead (default 500 ms). */
  redisTimeoutMs?: number
  /** How long a database query may take before the answer is `unavailable` (default 2000 ms). */
  databaseTimeoutMs?: number
}

/** A running cluster store; {@link ClusterRevocationStore.ready} is for tests and start-up logs. */
export interface ClusterRevocationStore extends RevocationStore {
  /**
   * Resolves once the broadcast is live and the table loaded (checks need no database round trip
   * from then on). Checks are correct before that too: they ask the database.
   */
  ready(): Promise<void>
  /** `live`: checks cost one Redis GET; `database`: each check asks PostgreSQL (Redis is away). */
  mode(): 'live' | 'database'
}

/** The broadcast of one sign-out. */
const NoticeSchema = z.object({ jti: z.string().min(1).max(64), expiresAt: z.number() })

/**
 * How far back the periodic resync reads, before the newest row it has seen: a row's `revoked_at`
 * is taken when its insert runs, which may commit a little later than a row stamped after it.
 */
const RESYNC_OVERLAP_MS = 60_000
/** How often rows and entries past their token's expiry are deleted. */
const PRUNE_MEMORY_EVERY_MS = 60_000
const PRUNE_TABLE_EVERY_MS = 60 * 60_000

class Deadline extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`)
    this.name = 'Deadline'
  }
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Deadline(what, ms)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

/**
 * The cluster store: PostgreSQL holds the record, Redis speeds checks up and tells every instance.
 * Starts subscribing and loading at once; `close()` stops that (the connections stay open).
 *
 * Memory: one entry (a 36-character id and a number, about 110 bytes: 100 000 measured at
 * 10.9 MB of heap) per session signed out within one token lifetime across the cluster, 7 days by
 * default. Entries past their token's expiry are dropped every minute.
 *
 * @example
 * const revocations = createClusterRevocationStore({ db, redis, subscriber, keyPrefix: 'duplex:' })
 * await verifySessionToken(token, secret, { revocations })
 */
export function createClusterRevocationStore(
  options: ClusterRevocationStoreOptions,
): ClusterRevocationStore {
  const { db, redis, subscriber } = options
  const now = options.now ?? Date.now
  const log = options.log ?? ((message: string) => console.warn(`[sessions] ${message}`))
  const resyncMs = options.resyncMs ?? 5000
  const redisTimeoutMs = options.redisTimeoutMs ?? 500
  const databaseTimeoutMs = options.databaseTimeoutMs ?? 2000
  const channel = `${options.keyPrefix}session:revoked`
  const keyOf = (jti: string) => `${options.keyPrefix}session:revoked:${jti}`

  const known = new Map<string, number>()
  const listeners = new Set<(jti: string) => void>()
  /** True while the subscription is up and the table was loaded after it came up. */
  let live = false
  /** Bumped whenever the subscription drops, so a load that started before cannot declare it live. */
  let epoch = 0
  /** The newest `revoked_at` read, by the database's clock; the resync reads from a minute before. */
  let newestSeen: number | undefined
  let syncing: Promise<void> | undefined
  let prunedMemoryAt = now()
  let prunedTableAt = 0
  let closed = false
  let complaining = false
  let becameLive: () => void = () => undefined
  const liveOnce = new Promise<void>((resolve) => {
    becameLive = resolve
  })

  function learn(jti: string, expiresAt: number): void {
    if (!(expiresAt > now()) || known.has(jti)) return
    known.set(jti, expiresAt)
    for (const listener of listeners) listener(jti)
  }

  /** Reports a failure once until things work again, not once per attempt. */
  function complain(message: string): void {
    if (complaining) return
    complaining = true
    log(message)
  }

  async function readTable(): Promise<void> {
    const since = newestSeen === undefined ? 0 : newestSeen - RESYNC_OVERLAP_MS
    // Single-word aliases: the same keys whether or not the caller's Kysely maps names.
    const { rows } = await within(
      sql<{ jti: string; expires: number; stamped: number }>`
        select jti, expires_at as expires, revoked_at as stamped from ${sql.table(TABLE)}
        where revoked_at >= ${since} and expires_at > ${now()}`.execute(db),
      databaseTimeoutMs,
      'PostgreSQL',
    )
    for (const row of rows) {
      learn(row.jti, Number(row.expires))
      const stamped = Number(row.stamped)
      if (newestSeen === undefined || stamped > newestSeen) newestSeen = stamped
    }
  }

  async function prune(): Promise<void> {
    const at = now()
    if (at - prunedMemoryAt >= PRUNE_MEMORY_EVERY_MS) {
      prunedMemoryAt = at
      for (const [jti, expiresAt] of known) if (expiresAt <= at) known.delete(jti)
    }
    // Every instance does it, now and then: deleting rows nobody needs twice changes nothing.
    if (at - prunedTableAt >= PRUNE_TABLE_EVERY_MS) {
      prunedTableAt = at
      await sql`delete from ${sql.table(TABLE)} where expires_at <= ${at}`.execute(db)
    }
  }

  /**
   * Subscribes (again) when needed, then reads the table, and declares the set complete when the
   * subscription held throughout. The table is read even when Redis cannot be reached: sign-outs
   * made elsewhere still close this instance's connections, within `resyncMs`.
   */
  async function sync(): Promise<void> {
    if (closed) return
    const started = epoch
    let subscribed = live
    if (!live && subscriber.status === 'ready') {
      try {
        // Confirmed by Redis before the table is read: nothing stored after the read is missed.
        await within(subscriber.subscribe(channel), redisTimeoutMs, 'Redis')
        subscribed = true
      } catch {
        // Cut off from Redis: the table still tells what was signed out.
      }
    }
    try {
      await readTable()
      if (subscribed && started === epoch && subscriber.status === 'ready' && !closed) {
        if (!live) becameLive()
        live = true
      }
      if (complaining) log('signed-out sessions: in sync again')
      complaining = false
      await prune()
    } catch (error) {
      complain(
        `signed-out sessions: could not resync (${(error as Error).message}); ` +
          (live ? 'the broadcast still arrives' : 'checks ask the database'),
      )
    }
  }

  /** Redis did not answer: the broadcast may not be arriving either. Checks ask the database. */
  function lostRedis(): void {
    if (!live) return
    live = false
    epoch++
  }

  /** Asked for while a sync ran: the subscription may have dropped and come back meanwhile. */
  let again = false
  function syncNow(): Promise<void> {
    if (syncing) {
      again = true
      return syncing
    }
    syncing = sync().finally(() => {
      syncing = undefined
      if (again) {
        again = false
        void syncNow()
      }
    })
    return syncing
  }

  const onMessage = (from: string, message: string) => {
    if (from !== channel) return
    let parsed
    try {
      parsed = NoticeSchema.safeParse(JSON.parse(message))
    } catch {
      return
    }
    if (parsed.success) learn(parsed.data.jti, parsed.data.expiresAt)
  }
  const onClose = () => {
    live = false
    epoch++
  }
  const onReady = () => {
    void syncNow()
  }
  subscriber.on('message', onMessage)
  subscriber.on('close', onClose)
  subscriber.on('ready', onReady)
  const timer = setInterval(() => {
    if (!syncing) void syncNow()
  }, resyncMs)
  timer.unref()
  void syncNow()

  /** The database's answer, or `unavailable` when it has none to give. */
  async function askDatabase(jti: string): Promise<boolean> {
    try {
      const { rows } = await within(
        sql<{ expires: number }>`
          select expires_at as expires from ${sql.table(TABLE)} where jti = ${jti}`.execute(db),
        databaseTimeoutMs,
        'PostgreSQL',
      )
      const row = rows[0]
      if (row === undefined) return false
      learn(jti, Number(row.expires))
      return Number(row.expires) > now()
    } catch (error) {
      if (error instanceof Deadline || isStoreUnavailable(error)) {
        throw new RevocationsUnavailableError('the database', undefined, { cause: error })
      }
      throw error
    }
  }

  return {
    async revoke(jti, expiresAt) {
      try {
        await within(
          sql`
            insert into ${sql.table(TABLE)} (jti, expires_at, revoked_at)
            values (${jti}, ${expiresAt}, (extract(epoch from clock_timestamp()) * 1000)::bigint)
            on conflict (jti) do nothing`.execute(db),
          databaseTimeoutMs,
          'PostgreSQL',
        )
      } catch (error) {
        // Nothing was stored: the caller must not tell the user they are signed out.
        if (error instanceof Deadline || isStoreUnavailable(error)) {
          throw new RevocationsUnavailableError('the database', undefined, { cause: error })
        }
        throw error
      }
      learn(jti, expiresAt)
      try {
        const ttl = Math.max(1, expiresAt - now())
        const notice = JSON.stringify({ jti, expiresAt })
        await within(
          Promise.all([
            redis.set(keyOf(jti), String(expiresAt), 'PX', ttl),
            redis.publish(channel, notice),
          ]),
          redisTimeoutMs,
          'Redis',
        )
      } catch (error) {
        // Stored, so it holds everywhere: other instances read it from the table on their next
        // resync, or on their next check while their own Redis is away.
        lostRedis()
        complain(
          `signed-out sessions: broadcast failed (${(error as Error).message}); ` +
            `other instances read it from the database within ${resyncMs} ms`,
        )
      }
    },
    async isRevoked(jti) {
      const expiresAt = known.get(jti)
      if (expiresAt !== undefined && expiresAt > now()) return true
      // A command connection that knows it is down would queue the GET until the timeout.
      if (live && redis.status !== undefined && redis.status !== 'ready') lostRedis()
      if (live) {
        try {
          const value = await within(redis.get(keyOf(jti)), redisTimeoutMs, 'Redis')
          if (value === null) return false
          learn(jti, Number(value))
          return true
        } catch {
          // Redis is slow or away (a partition may not even close the subscriber's connection):
          // the database has the record, and answers the next checks too until a resync.
          lostRedis()
        }
      }
      return askDatabase(jti)
    },
    onRevoked(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    knownRevoked(jti) {
      const expiresAt = known.get(jti)
      return expiresAt !== undefined && expiresAt > now()
    },
    ready: () => liveOnce,
    mode: () => (live ? 'live' : 'database'),
    async close() {
      closed = true
      live = false
      clearInterval(timer)
      listeners.clear()
      subscriber.off('message', onMessage)
      subscriber.off('close', onClose)
      subscriber.off('ready', onReady)
      await syncing
      if (subscriber.status === 'ready') {
        await within(subscriber.unsubscribe(channel), redisTimeoutMs, 'Redis').catch(
          () => undefined,
        )
      }
    },
  }
}
