import { defineEventMap } from '@duplex/protocol/events'
import { encodeSseComment, encodeSseFrame, encodeSseJson } from '@duplex/protocol/sse'
import { sleep } from '@duplex/testing/wait'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createEventStream } from './event-stream.ts'
import {
  type Respond,
  type SseTestServer,
  startEventStream,
  startSseTestServer,
} from './testing/sse-test-server.ts'
import { createSseWireTap, type WireFrame } from './wire-tap.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function serve(respond: Respond): Promise<SseTestServer> {
  const server = await startSseTestServer(respond)
  cleanups.push(() => server.close())
  return server
}

/** Resolves once `count` frames were reported. */
function frames() {
  const seen: WireFrame[] = []
  let wake = () => {}
  const onWire = (frame: WireFrame) => {
    seen.push(frame)
    wake()
  }
  const until = (count: number) =>
    new Promise<WireFrame[]>((resolve) => {
      wake = () => {
        if (seen.length >= count) resolve([...seen])
      }
      wake()
    })
  return { seen, onWire, until }
}

const FRAMES = [
  encodeSseComment('connected'),
  encodeSseFrame({ retry: 1500 }),
  encodeSseJson('tick', { symbol: 'AAPL', note: '中文 🚀' }, 1),
  encodeSseFrame({ id: 'x', event: 'note', data: 'two\nlines' }),
  encodeSseFrame({ data: '' }),
]

describe('createSseWireTap', () => {
  it('reports each frame byte for byte while the caller still reads the whole body', async () => {
    const server = await serve(async (res) => {
      startEventStream(res)
      // Cut inside 中 so the tap has to decode across chunks.
      const bytes = new TextEncoder().encode(FRAMES.join(''))
      const cut = bytes.indexOf(0xe4) + 1
      res.write(bytes.subarray(0, cut))
      await sleep(5)
      res.end(bytes.subarray(cut))
    })
    const { onWire, until } = frames()
    const before = Date.now()
    const response = await createSseWireTap(onWire)(server.url(), {})

    expect(await response.text()).toBe(FRAMES.join(''))
    const seen = await until(5)
    expect(seen.map(({ at: _at, ...frame }) => frame)).toEqual([
      { kind: 'comment', text: ': connected\n\n', bytes: 13, connection: 1 },
      { kind: 'retry', text: 'retry: 1500\n\n', bytes: 13, connection: 1 },
      {
        kind: 'event',
        text: 'id: 1\nevent: tick\ndata: {"symbol":"AAPL","note":"中文 🚀"}\n\n',
        // 57 characters, but 中 and 文 take 3 bytes each in UTF-8 and 🚀 takes 4.
        bytes: 64,
        event: 'tick',
        id: '1',
        connection: 1,
      },
      {
        kind: 'event',
        text: 'id: x\nevent: note\ndata: two\ndata: lines\n\n',
        bytes: 41,
        event: 'note',
        id: 'x',
        connection: 1,
      },
      { kind: 'event', text: 'data: \n\n', bytes: 8, connection: 1 },
    ])
    expect(seen.map((f) => f.text).join('')).toBe(FRAMES.join(''))
    for (const frame of seen) {
      expect(frame.at).toBeGreaterThanOrEqual(before)
      expect(frame.at).toBeLessThanOrEqual(Date.now())
    }
  })

  it('passes other responses through untouched, reports nothing, and still counts them', async () => {
    const server = await serve((res, { n }) => {
      if (n === 1) return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('nope')
      startEventStream(res)
      res.end(encodeSseComment('second'))
    })
    const { seen, onWire, until } = frames()
    const tap = createSseWireTap(onWire)

    const refused = await tap(server.url(), {})
    expect([refused.status, await refused.text()]).toEqual([404, 'nope'])
    await sleep(10)
    expect(seen).toEqual([])

    await (await tap(server.url(), {})).text()
    expect((await until(1)).map((f) => [f.connection, f.text])).toEqual([[2, ': second\n\n']])
  })

  it('keeps the url and redirected flag of a redirected response', async () => {
    const server = await serve((res, { path }) => {
      if (path === '/old') return void res.writeHead(307, { Location: '/stream' }).end()
      startEventStream(res)
      res.end()
    })
    const response = await createSseWireTap(() => {})(server.url('/old'), {})
    expect([response.status, response.redirected, response.url]).toEqual([
      200,
      true,
      server.url('/stream'),
    ])
  })

  it('wraps the fetch it is given', async () => {
    const calls: string[] = []
    const tap = createSseWireTap(() => {}, {
      fetch: async (input) => {
        calls.push(String(input))
        return new Response(null, { status: 204 })
      },
    })
    expect((await tap('http://example.invalid/s')).status).toBe(204)
    expect(calls).toEqual(['http://example.invalid/s'])
  })
})

describe('createEventStream with onWire', () => {
  it('numbers frames by HTTP connection across a reconnect and still dispatches every event', async () => {
    const server = await serve((res, { n }) => {
      startEventStream(res)
      if (n === 1) {
        res.write(encodeSseComment('hello'))
        res.write(encodeSseFrame({ retry: 10 }))
        res.write(encodeSseJson('tick', { n: 1 }, 1))
        res.end()
      } else {
        res.write(encodeSseJson('tick', { n: 2 }, 2))
      }
    })
    const { onWire, until } = frames()
    const s = createEventStream({
      url: server.url(),
      events: defineEventMap({ tick: z.object({ n: z.number() }) }),
      onWire,
    })
    cleanups.push(() => s.close())
    const ticks: number[] = []
    s.on('tick', ({ n }) => ticks.push(n))
    s.connect()

    const seen = await until(4)
    expect(seen.map((f) => [f.connection, f.kind, f.text, f.bytes])).toEqual([
      [1, 'comment', ': hello\n\n', 9],
      [1, 'retry', 'retry: 10\n\n', 11],
      [1, 'event', 'id: 1\nevent: tick\ndata: {"n":1}\n\n', 33],
      [2, 'event', 'id: 2\nevent: tick\ndata: {"n":2}\n\n', 33],
    ])
    await sleep(10)
    expect(ticks).toEqual([1, 2])
    expect(server.requests[1]?.lastEventIdHeader).toBe('1')
  })
})
