import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import {
  startPrivatePostgres,
  startPrivateRedis,
  whyNoPrivateServices,
} from './private-services.ts'
import { isPostgresReachable } from './services.ts'

const unavailable = await whyNoPrivateServices()

describe.skipIf(unavailable !== undefined)('private stores for fault tests', () => {
  const disposals: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const dispose of disposals) await dispose()
  })

  it('a private Redis comes back empty after a restart', async () => {
    const redis = await startPrivateRedis()
    disposals.push(() => redis.dispose())
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 })
    client.on('error', () => undefined)
    await client.connect()
    await client.set('k', 'v')
    await redis.restart(200)
    // ioredis reconnects on its own.
    await expect.poll(() => client.get('k').catch(() => 'down'), { timeout: 10_000 }).toBe(null)
    client.disconnect()
  })

  it('a private PostgreSQL stops and starts, keeping its data', { timeout: 60_000 }, async () => {
    const postgres = await startPrivatePostgres(`duplex_test_${process.pid}`)
    disposals.push(() => postgres.dispose())
    const query = async (sql: string) => {
      const client = new pg.Client({ connectionString: postgres.url })
      await client.connect()
      try {
        return (await client.query(sql)).rows as unknown[]
      } finally {
        await client.end()
      }
    }
    await query('create table kept (n int); insert into kept values (7)')
    await postgres.stop()
    expect(await isPostgresReachable(postgres.url, { timeoutMs: 500 })).toBe(false)
    await postgres.start()
    expect(await query('select n from kept')).toEqual([{ n: 7 }])
  })
})
