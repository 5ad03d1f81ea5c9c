import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { EventSource } from 'eventsource'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeSseComment, encodeSseFrame, encodeSseJson, SSE_HEADERS } from './sse.ts'

interface Received {
  type: string
  data: string
  lastEventId: string
}

interface TestServer {
  url: string
  /** Headers of every request, in arrival order. */
  requests: IncomingHttpHeaders[]
  close(): Promise<void>
}

const cleanups: (() => unknown)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function startServer(
  respond: (res: ServerResponse, request: number) => void | Promise<void>,
): Promise<TestServer> {
  const requests: IncomingHttpHeaders[] = []
  const server = createServer((req, res) => {
    requests.push(req.headers)
    void respond(res, requests.length)
  })
  // Port 0: the OS picks a free port, so test files can run in parallel.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  cleanups.push(close)
  return { url: `http://127.0.0.1:${port}/stream`, requests, close }
}

/** Opens an EventSource that records every event of the given types until `count` arrived. */
function listen(url: string, types: string[]) {
  const es = new EventSource(url)
  cleanups.push(() => es.close())
  const received: Received[] = []
  let wake = () => {}
  for (const type of types) {
    es.addEventListener(type, (e: MessageEvent<string>) => {
      received.push({ type: e.type, data: e.data, lastEventId: e.lastEventId })
      wake()
    })
  }
  const until = (count: number) =>
    new Promise<Received[]>((resolve) => {
      wake = () => {
        if (received.length >= count) resolve([...received])
      }
      wake()
    })
  return { es, received, until }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

/** Writes `bytes` in tiny pieces so the client's reads end inside characters and line breaks. */
async function writeInPieces(res: ServerResponse, bytes: Uint8Array, size: number): Promise<void> {
  for (let at = 0; at < bytes.length; at += size) {
    res.write(bytes.subarray(at, at + size))
    await tick()
  }
}

const FRAMES = [
  encodeSseComment('connected'),
  encodeSseJson('hello', { connectionId: 'c-1', note: '中文 🚀' }, 1),
  encodeSseFrame({ id: 'job-7', event: 'note', data: 'line 1\nline 2\r\nline 3\rline 4' }),
  encodeSseFrame({ data: ' leading space' }),
  encodeSseFrame({ data: '' }),
  encodeSseComment('ping'),
  encodeSseFrame({ event: 'note', data: 'e\u0301 combining, 🚀 emoji, 中文 CJK' }),
  encodeSseFrame({ id: 99, event: 'end', data: 'bye' }),
]

const EXPECTED: Received[] = [
  { type: 'hello', data: '{"connectionId":"c-1","note":"中文 🚀"}', lastEventId: '1' },
  { type: 'note', data: 'line 1\nline 2\nline 3\nline 4', lastEventId: 'job-7' },
  { type: 'message', data: ' leading space', lastEventId: '' },
  { type: 'message', data: '', lastEventId: '' },
  { type: 'note', data: 'e\u0301 combining, 🚀 emoji, 中文 CJK', lastEventId: '' },
  { type: 'end', data: 'bye', lastEventId: '99' },
]

const TYPES = ['hello', 'note', 'message', 'end']

describe('the eventsource client reading encoded frames from a real HTTP server', () => {
  it('receives every event exactly as written and never dispatches a comment', async () => {
    const server = await startServer((res) => {
      res.writeHead(200, SSE_HEADERS)
      res.write(FRAMES.join(''))
    })
    const { until } = listen(server.url, TYPES)
    expect(await until(EXPECTED.length)).toEqual(EXPECTED)
  })

  it('receives the same events when the bytes arrive three at a time, cutting UTF-8 characters', async () => {
    const server = await startServer(async (res) => {
      res.writeHead(200, SSE_HEADERS)
      await writeInPieces(res, new TextEncoder().encode(FRAMES.join('')), 3)
    })
    const { until } = listen(server.url, TYPES)
    expect(await until(EXPECTED.length)).toEqual(EXPECTED)
  })

  it('receives the same events from a stream with CRLF line endings sent a byte at a time', async () => {
    const server = await startServer(async (res) => {
      res.writeHead(200, SSE_HEADERS)
      const crlf = FRAMES.join('').replace(/\n/g, '\r\n')
      await writeInPieces(res, new TextEncoder().encode(crlf), 1)
    })
    const { until } = listen(server.url, TYPES)
    expect(await until(EXPECTED.length)).toEqual(EXPECTED)
  })

  it('ignores a UTF-8 BOM that starts the stream', async () => {
    const server = await startServer(async (res) => {
      res.writeHead(200, SSE_HEADERS)
      const body = new TextEncoder().encode(FRAMES.join(''))
      await writeInPieces(res, new Uint8Array([0xef, 0xbb, 0xbf, ...body]), 2)
    })
    const { until } = listen(server.url, TYPES)
    expect(await until(EXPECTED.length)).toEqual(EXPECTED)
  })

  it('sends the last seen id back as Last-Event-ID when it reconnects after the server closes', async () => {
    const server = await startServer((res, request) => {
      res.writeHead(200, SSE_HEADERS)
      if (request === 1) {
        // A short retry so the client reconnects in milliseconds instead of the default 3 s.
        res.write(encodeSseFrame({ retry: 10 }))
        res.write(encodeSseJson('tick', { n: 1 }, 41))
        res.write(encodeSseJson('tick', { n: 2 }, 'job-42'))
        // No id: the client keeps the last one it saw.
        res.write(encodeSseJson('tick', { n: 3 }))
        res.end()
      } else {
        res.write(encodeSseJson('tick', { n: 4 }, 43))
      }
    })
    const { es, until } = listen(server.url, ['tick'])
    const errors: number[] = []
    es.addEventListener('error', () => errors.push(es.readyState))

    const received = await until(4)

    expect(received.map((r) => r.data)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}'])
    expect(server.requests).toHaveLength(2)
    expect(server.requests[0]?.['last-event-id']).toBeUndefined()
    expect(server.requests[1]?.['last-event-id']).toBe('job-42')
    expect(server.requests[1]?.accept).toBe('text/event-stream')
    // The drop surfaces as one error while the client is CONNECTING again, not CLOSED.
    expect(errors).toEqual([EventSource.CONNECTING])
  })

  it('reports the HTTP status and stops for good when the server answers 204', async () => {
    const server = await startServer((res) => {
      res.writeHead(204)
      res.end()
    })
    const es = new EventSource(server.url)
    cleanups.push(() => es.close())
    const code = await new Promise<number | undefined>((resolve) => {
      es.addEventListener('error', (e) => resolve(e.code))
    })
    expect(code).toBe(204)
    expect(es.readyState).toBe(EventSource.CLOSED)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(server.requests).toHaveLength(1)
  })
})
