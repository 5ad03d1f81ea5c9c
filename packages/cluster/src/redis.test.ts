import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { connectRedis, createRedisConnection } from './redis.ts'

// No real Redis needed: with the ready check off, ioredis is "ready" once its CLIENT SETNAME is
// answered, so a TCP server that says OK to everything, and comes and goes, plays a Redis outage.

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
      // One OK per command (each is a RESP array: a line starting with `*`).
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

async function freePort(): Promise<number> {
  const port = await listen()
  await new Promise((resolve) => servers.pop()?.close(resolve))
  return port
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('createRedisConnection', () => {
  it('logs an outage once, however often it retries, and its end once', async () => {
    const port = await freePort()
    const lines: string[] = []
    const redis = createRedisConnection({
      url: `redis://127.0.0.1:${port}`,
      role: 'commands',
      app: 'duplex-test',
      instanceId: 'test:1:abc',
      log: (line) => lines.push(line),
      redisOptions: { enableReadyCheck: false, retryStrategy: () => 20 },
    })
    let errors = 0
    redis.on('error', () => errors++)
    try {
      await waitFor(() => errors >= 3, 'a few failed attempts')
      expect(lines).toEqual([expect.stringMatching(/^Redis commands connection: .+ \(retrying\)$/)])
      await listen(port)
      await waitFor(() => lines.length === 2, 'the connection to come back')
      expect(lines[1]).toBe('Redis commands connection: connected again')
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(lines).toHaveLength(2)
    } finally {
      redis.disconnect()
    }
  })
})

describe('connectRedis', () => {
  it('fails with the reason and the URL without its password when Redis is not there', async () => {
    const port = await freePort()
    const lines: string[] = []
    await expect(
      connectRedis({
        url: `redis://:secret@127.0.0.1:${port}`,
        role: 'commands',
        app: 'duplex-test',
        instanceId: 'test:1:abc',
        log: (line) => lines.push(line),
      }),
    ).rejects.toThrow(
      new RegExp(
        `^cannot connect to Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`,
      ),
    )
  })

  it('resolves once connected', async () => {
    const port = await listen()
    const redis = await connectRedis({
      url: `redis://127.0.0.1:${port}`,
      role: 'commands',
      app: 'duplex-test',
      instanceId: 'test:1:abc',
      log: () => undefined,
      redisOptions: { enableReadyCheck: false },
    })
    expect(redis.status).toBe('ready')
    redis.disconnect()
  })
})
