import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { createFrameCache, sendFramedOnce } from './framed-send.ts'

interface Harness {
  /** Server side of each client, with framed sends installed. */
  server: WebSocket[]
  clients: WebSocket[]
  sent: () => number
  close(): Promise<void>
}

/** A real ws server (no compression, as in attach-collab) with `count` real clients. */
async function open(count: number): Promise<Harness> {
  const http: Server = createServer()
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  const frames = createFrameCache()
  const server: WebSocket[] = []
  let sent = 0
  http.on('upgrade', (req, socket: Duplex, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => {
      sendFramedOnce(ws, socket, frames, () => sent++)
      server.push(ws)
    }),
  )
  http.listen(0, '127.0.0.1')
  await once(http, 'listening')
  const { port } = http.address() as AddressInfo
  const clients: WebSocket[] = []
  for (let i = 0; i < count; i++) {
    const client = new WebSocket(`ws://127.0.0.1:${port}`)
    await once(client, 'open')
    clients.push(client)
  }
  while (server.length < count) await new Promise((resolve) => setTimeout(resolve, 5))
  return {
    server,
    clients,
    sent: () => sent,
    async close() {
      for (const client of clients) client.terminate()
      wss.close()
      await new Promise((resolve) => http.close(resolve))
    },
  }
}

const next = (client: WebSocket) =>
  once(client, 'message').then(([data, isBinary]) => ({ data: data as Buffer, isBinary }))

let harness: Harness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

describe('sendFramedOnce', () => {
  it('delivers one message to every connection intact, framing it once', async () => {
    harness = await open(2)
    const frames = createFrameCache()
    const message = new Uint8Array([0, 2, 5, 1, 2, 3, 250])
    expect(frames.frameOf(message)).toBe(frames.frameOf(message))

    const received = harness.clients.map(next)
    for (const ws of harness.server) ws.send(message, {}, () => {})
    for (const { data, isBinary } of await Promise.all(received)) {
      expect(isBinary).toBe(true)
      expect([...data]).toEqual([...message])
    }
    expect(harness.sent()).toBe(2)
  })

  it('frames a view into a larger buffer, and messages of every length class, exactly', async () => {
    harness = await open(1)
    const [ws] = harness.server
    const [client] = harness.clients
    const backing = new Uint8Array(70_000).map((_, i) => i % 251)
    // 125 bytes and below, up to 65,535, and beyond: the three header sizes of RFC 6455.
    for (const length of [0, 125, 126, 65_535, 65_536]) {
      const view = backing.subarray(7, 7 + length)
      const received = next(client as WebSocket)
      ws?.send(view)
      expect([...(await received).data]).toEqual([...view])
    }
  })

  it('leaves text, and sends on a closing socket, to ws', async () => {
    harness = await open(1)
    const [ws] = harness.server
    const [client] = harness.clients
    const received = next(client as WebSocket)
    ws?.send('hello')
    expect(await received).toEqual({ data: Buffer.from('hello'), isBinary: false })

    ws?.close()
    const error = await new Promise<Error | undefined>((resolve) =>
      ws?.send(new Uint8Array([1]), {}, (e) => resolve(e ?? undefined)),
    )
    expect(error?.message).toMatch(/CLOS/)
  })

  it('stops writing to a reader that fell more than maxBufferedBytes behind, and says so once', () => {
    // A socket nobody reads: everything written stays in its buffer.
    const written: Buffer[] = []
    const socket = {
      writable: true,
      get writableLength() {
        return written.reduce((sum, chunk) => sum + chunk.length, 0)
      },
      write(chunk: Buffer) {
        written.push(chunk)
        return false
      },
    } as unknown as Duplex
    const connection = {
      readyState: 1,
      OPEN: 1,
      bufferedAmount: 0,
      send: () => undefined,
    } as unknown as WebSocket
    let overflows = 0
    sendFramedOnce(connection, socket, createFrameCache(), () => undefined, {
      maxBufferedBytes: 10_000,
      onOverflow: () => overflows++,
    })
    for (let i = 0; i < 100; i++) connection.send(new Uint8Array(1000))
    expect(overflows).toBe(1)
    // What was buffered stays bounded: the bound plus the one frame that crossed it.
    expect(socket.writableLength).toBeLessThanOrEqual(10_000 + 1004)
  })
})
