import { createServer, type AddressInfo, type Socket } from 'node:net'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import {
  createTestRedisPrefix,
  createTestSchema,
  deleteRedisKeys,
  dropSchema,
  isPostgresReachable,
  isRedisReachable,
  testServices,
  whyPostgresUnreachable,
  whyRedisUnreachable,
} from './services.ts'

const services = await testServices()

/** A port that accepts connections and never answers: a service that hangs. */
async function silentPort() {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => sockets.add(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    port,
    url: (scheme: string) => `${scheme}://127.0.0.1:${port}`,
    /** Closes the port, ending the half-open connections the probes left behind. */
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const { port, stop } = await silentPort()
  await stop()
  return port
}

describe('the probes', () => {
  const hanging = silentPort()
  afterAll(async () => (await hanging).stop())

  it('say why a refused or silent service is unreachable, and give up on a silent one', async () => {
    const port = await closedPort()
    expect(await whyRedisUnreachable(`redis://127.0.0.1:${port}`)).toMatch(
      new RegExp(`^Redis at redis://127.0.0.1:${port}: .*ECONNREFUSED`),
    )
    expect(await whyPostgresUnreachable(`postgres://postgres@127.0.0.1:${port}/test`)).toMatch(
      new RegExp(`^PostgreSQL at postgres://postgres@127.0.0.1:${port}/test: .*ECONNREFUSED`),
    )
    // A silent port must not hang the probe: it answers false once its own timeout passes (the
    // test's timeout, not a clock reading, catches a probe that waits forever).
    const { url } = await hanging
    expect(await isRedisReachable(url('redis'), { timeoutMs: 200 })).toBe(false)
    expect(await isPostgresReachable(`${url('postgres')}/test`, { timeoutMs: 200 })).toBe(false)
  })

  it('find the services that are there', async (context) => {
    if (!services.ok) return context.skip()
    expect(await isPostgresReachable(services.databaseUrl)).toBe(true)
    expect(await isRedisReachable(services.redisUrl)).toBe(true)
    expect(await testServices()).toBe(services) // probed once
  })
})

describe('cleanup', () => {
  it('deletes exactly the keys under a prefix, even one with glob characters', async (context) => {
    if (!services.ok) return context.skip()
    const redis = new Redis(services.redisUrl)
    const { prefix, clean } = createTestRedisPrefix(services.redisUrl)
    try {
      const odd = `${prefix}[a]*?:`
      await redis.mset(`${prefix}one`, 1, `${prefix}two`, 2, `${odd}x`, 3, `${prefix}a:x`, 4)
      expect(await deleteRedisKeys(services.redisUrl, odd)).toBe(1)
      expect(await redis.exists(`${prefix}a:x`)).toBe(1)
      await clean()
      expect(await redis.keys(`${prefix}*`)).toEqual([])
      await expect(deleteRedisKeys(services.redisUrl, '')).rejects.toThrow(/prefix is empty/)
    } finally {
      redis.disconnect()
    }
  })

  it('drops a schema with everything in it, and a missing one without complaint', async (context) => {
    if (!services.ok) return context.skip()
    const schema = createTestSchema(services.databaseUrl)
    const client = new pg.Client({ connectionString: services.databaseUrl })
    await client.connect()
    try {
      await client.query(`create schema ${schema.name}`)
      await client.query(`create table ${schema.name}.t (n int)`)
      await schema.drop()
      const left = await client.query('select 1 from pg_namespace where nspname = $1', [
        schema.name,
      ])
      expect(left.rowCount).toBe(0)
      await dropSchema(services.databaseUrl, schema.name)
    } finally {
      await client.end()
    }
  })
})
