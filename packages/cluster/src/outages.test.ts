import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { Redis } from 'ioredis'
import { afterEach, describe, expect, it } from 'vitest'
import { watchRedisOutages, type RedisOutage } from './outages.ts'

// A TCP server that answers OK to every command plays Redis (ready check off), and stopping it
// plays an outage.

const servers: Server[] = []
const sockets = new Set<Socket>()

afterEach(async () => {
  for (const socket of sockets) socket.destroy()
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

async function listen(port = 0): Promise<number> {
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('data', (chunk) => {
      const commands = chunk
        .toString()
        .split('\r\n')
        .filter((line) => line.startsWith('*'))
      socket.write('+OK\r\n'.repeat(commands.length))
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

async function stopServers(): Promise<void> {
  for (const socket of sockets) socket.destroy()
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('watchRedisOutages', () => {
  it('reports an outage once when it begins and once when it ends, with when it began', async () => {
    const port = await listen()
    const redis = new Redis(port, '127.0.0.1', { enableReadyCheck: false, retryStrategy: () => 20 })
    redis.on('error', () => undefined)
    const downs: number[] = []
    const outages: RedisOutage[] = []
    try {
      await waitFor(() => redis.status === 'ready', 'the first connection')
      watchRedisOutages(redis, {
        onDown: (since) => downs.push(since),
        onRecovered: (outage) => outages.push(outage),
      })
      const before = Date.now()
      await stopServers()
      await waitFor(() => downs.length === 1, 'the outage to be noticed')
      // Several failed reconnects are still one outage.
      await new Promise((resolve) => setTimeout(resolve, 150))
      expect(downs).toHaveLength(1)
      expect(downs[0]).toBeGreaterThanOrEqual(before)
      await listen(port)
      await waitFor(() => outages.length === 1, 'the connection to come back')
      expect(outages[0]?.since).toBe(downs[0])
      expect(outages[0]?.until).toBeGreaterThanOrEqual(outages[0]?.since ?? Infinity)
    } finally {
      redis.disconnect()
    }
  })

  it('does not call a first connection that is still being made an outage', async () => {
    const port = await listen()
    const redis = new Redis(port, '127.0.0.1', { enableReadyCheck: false, lazyConnect: true })
    const outages: RedisOutage[] = []
    watchRedisOutages(redis, { onRecovered: (outage) => outages.push(outage) })
    try {
      await redis.connect()
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(outages).toEqual([])
    } finally {
      redis.disconnect()
    }
  })
})
