import { createSessionToken, verifySessionToken } from '@duplex/auth'
import { SESSION_MIGRATIONS, createClusterRevocationStore } from '@duplex/auth/cluster'
import {
  startPrivatePostgres,
  startPrivateRedis,
  whyNoPrivateServices,
} from '@duplex/testing/private-services'
import { TEST_SESSION_SECRET } from '@duplex/testing/session'
import { sleep } from '@duplex/testing/wait'
import { Redis } from 'ioredis'
import { openDatabase } from './shared/storage/database.ts'

// The figures docs/operations.md quotes for signed-out sessions in cluster mode, measured on a
// private Redis and PostgreSQL of this script's own (never the machine's shared ones):
//
//   cd apps/realtime && npx tsx src/session-figures.ts
//
// Two stores stand for two instances. It prints the cost of a check (live, Redis down,
// PostgreSQL down), how long a sign-out takes to reach the other instance, and how long after a
// store comes back things are as before. Needs root and Debian's redis-server and postgresql.

const why = await whyNoPrivateServices()
if (why) {
  console.error(`[figures] cannot start private stores: ${why}`)
  process.exit(1)
}
const REDIS_DOWN_MS = 6000
const redis = await startPrivateRedis()
const postgres = await startPrivatePostgres(`duplex_session_figures_${process.pid}`)
const database = await openDatabase(
  { kind: 'postgres', url: postgres.url },
  () => SESSION_MIGRATIONS,
)

function instance() {
  const commands = new Redis(redis.url)
  const subscriber = new Redis(redis.url)
  for (const client of [commands, subscriber]) client.on('error', () => undefined)
  const store = createClusterRevocationStore({
    db: database.db,
    redis: commands,
    subscriber,
    keyPrefix: 'figures:',
    log: (message) => console.info(`  (store: ${message})`),
  })
  return {
    store,
    async close() {
      await store.close()
      commands.disconnect()
      subscriber.disconnect()
    },
  }
}

const since = (start: number) => `${(performance.now() - start).toFixed(1)} ms`

try {
  const web = instance()
  const realtime = instance()
  await Promise.all([web.store.ready(), realtime.store.ready()])
  const kept = await createSessionToken({ id: 'u_kept', name: 'Kept' }, TEST_SESSION_SECRET)
  const check = async (label: string) => {
    const start = performance.now()
    const result = await verifySessionToken(kept.token, TEST_SESSION_SECRET, {
      revocations: realtime.store,
    })
    console.info(
      `check (${label}, ${realtime.store.mode()}): ${result.ok ? 'ok' : result.reason} in ${since(start)}`,
    )
  }
  for (let i = 0; i < 5; i++) await check('warm-up')
  await check('steady state')

  const signedOut = await createSessionToken({ id: 'u_gone', name: 'Gone' }, TEST_SESSION_SECRET)
  let heard = 0
  realtime.store.onRevoked(() => {
    heard = performance.now()
  })
  const revoking = performance.now()
  await web.store.revoke(signedOut.tokenId, signedOut.expiresAt)
  console.info(`sign-out stored and broadcast in ${since(revoking)}`)
  while (heard === 0) await sleep(1)
  console.info(`heard on the other instance ${(heard - revoking).toFixed(1)} ms after it began`)

  await redis.stop()
  await check('Redis down')
  await sleep(REDIS_DOWN_MS)
  await redis.start()
  const redisBack = performance.now()
  while (realtime.store.mode() !== 'live') await sleep(5)
  console.info(
    `Redis down ${REDIS_DOWN_MS} ms, restarted empty: live again ${since(redisBack)} later`,
  )
  await check('after the Redis restart')

  await postgres.stop()
  await check('PostgreSQL down')
  const third = await createSessionToken({ id: 'u_third', name: 'Third' }, TEST_SESSION_SECRET)
  const refusing = performance.now()
  await web.store.revoke(third.tokenId, third.expiresAt).then(
    () => console.info('sign-out with PostgreSQL down: stored (unexpected)'),
    (error: Error) =>
      console.info(`sign-out with PostgreSQL down: ${error.name} in ${since(refusing)}`),
  )
  await postgres.start()
  const postgresBack = performance.now()
  for (;;) {
    try {
      await web.store.revoke(third.tokenId, third.expiresAt)
      break
    } catch {
      await sleep(20)
    }
  }
  console.info(`PostgreSQL back: the first sign-out stored ${since(postgresBack)} later`)
  await Promise.all([web.close(), realtime.close()])
} finally {
  await database.close()
  await Promise.allSettled([redis.dispose(), postgres.dispose()])
}
