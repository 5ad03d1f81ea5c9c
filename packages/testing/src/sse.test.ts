import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { openSse, parseSse, readSse, type SseReader } from './sse.ts'
import { waitFor, WaitTimeoutError } from './wait.ts'

const utf8 = new TextEncoder()

/** A stream the test writes to by hand, and whether its reader cancelled it. */
function pushStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let cancelled = false
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c
    },
    cancel: () => {
      cancelled = true
    },
  })
  return {
    stream,
    write: (text: string) => controller.enqueue(utf8.encode(text)),
    end: () => controller.close(),
    fail: (error: Error) => controller.error(error),
    cancelled: () => cancelled,
  }
}

const readers: SseReader[] = []
afterEach(async () => {
  await Promise.all(readers.splice(0).map((r) => r.close()))
})
function read(...args: Parameters<typeof readSse>) {
  const reader = readSse(...args)
  readers.push(reader)
  return reader
}

describe('parseSse', () => {
  it('reports events, comments, retries and parse errors in order, a character cut in two kept whole', () => {
    const bytes = utf8.encode(': hi\nretry: 10\nid: 1\nevent: note\ndata: 中文\n\n')
    const cut = bytes.indexOf(0xe4) + 1
    expect(parseSse([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual([
      { kind: 'comment', text: 'hi' },
      { kind: 'retry', ms: 10 },
      { kind: 'event', event: 'note', id: '1', data: '中文' },
    ])
    expect(parseSse('retry: soon\n\n')).toEqual([
      { kind: 'error', message: expect.stringContaining('retry') },
    ])
  })

  it('drops a leading BOM', () => {
    expect(parseSse(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8.encode('data: x\n\n')]))).toEqual([
      { kind: 'event', event: undefined, id: undefined, data: 'x' },
    ])
  })
})

describe('readSse', () => {
  it('records events with the read that carried them, comments and retries', async () => {
    const s = pushStream()
    const r = read(s.stream)
    s.write('retry: 1500\n: ping\nid: 1\nevent: hello\ndata: {"a":1}\n\n')
    s.write('event: tick\nda')
    s.write('ta: 2\n\n')
    s.end()
    await r.done
    expect(r.ended()).toBe(true)
    expect(r.retries).toEqual([1500])
    expect(r.comments).toEqual(['ping'])
    expect(r.events.map(({ event, id, data, read }) => ({ event, id, data, read }))).toEqual([
      { event: 'hello', id: '1', data: '{"a":1}', read: 1 },
      { event: 'tick', id: undefined, data: '2', read: 3 },
    ])
    expect(r.events[0]?.receivedAt).toBeTypeOf('number')
    expect(r.named('tick').map((e) => e.data)).toEqual(['2'])
  })

  it('hands out events in order with next and collect, waiting for those not there yet', async () => {
    const s = pushStream()
    const r = read(s.stream)
    s.write('data: 1\n\n')
    expect((await r.next()).data).toBe('1')
    const later = r.collect(2)
    s.write('data: 2\n\ndata: 3\n\n')
    expect((await later).map((e) => e.data)).toEqual(['2', '3'])
    s.write('data: 4\n\n')
    expect((await r.next()).data).toBe('4')
  })

  it('resolves until once the predicate holds, re-checked on comments and on the end too', async () => {
    const s = pushStream()
    const r = read(s.stream)
    const twoEvents = r.until((events) => events.length >= 2)
    const comment = r.until(() => r.comments.length > 0)
    const end = r.until(() => r.ended())
    s.write('data: a\n\n: ping\n\n')
    await comment
    s.write('data: b\n\n')
    expect((await twoEvents).map((e) => e.data)).toEqual(['a', 'b'])
    s.end()
    await end
  })

  it('fails a wait after its timeout, saying what it waited for and what the stream did', async () => {
    const s = pushStream()
    const r = read(s.stream, { timeoutMs: 30 })
    s.write('id: 7\nevent: tick\ndata: 1\n\n')
    await r.next()
    const error = await r.next().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WaitTimeoutError)
    expect((error as Error).message).toBe(
      'timed out after 30 ms waiting for event #2 (1 event so far, the last "tick" id 7; stream open)',
    )
    await expect(r.until(() => false, { message: 'ten ticks', timeoutMs: 10 })).rejects.toThrow(
      /^timed out after 10 ms waiting for ten ticks \(1 event so far/,
    )
    await expect(r.collect(3, 'three more')).rejects.toThrow('waiting for three more')
  })

  it('fails a wait as soon as the stream ends without it, and says why it ended', async () => {
    const s = pushStream()
    const r = read(s.stream)
    const waiting = r.until(() => r.comments.length > 0, 'a heartbeat')
    s.write('data: x\n\n')
    s.end()
    await expect(waiting).rejects.toThrow(
      'the stream ended before a heartbeat (1 event so far, the last unnamed; stream ended)',
    )
    await expect(r.collect(2)).rejects.toThrow('the stream ended before 2 more events after #0')

    const broken = pushStream()
    const b = read(broken.stream)
    broken.fail(new Error('socket hang up'))
    await expect(b.next()).rejects.toThrow('stream failed: socket hang up')
  })

  it('passes an error thrown by a predicate on to the wait', async () => {
    const s = pushStream()
    const r = read(s.stream)
    s.write('data: not json\n\n')
    await expect(r.until((events) => events.some((e) => JSON.parse(e.data) === 1))).rejects.toThrow(
      SyntaxError,
    )
  })

  it('cancels the stream on close, as a client going away does', async () => {
    const s = pushStream()
    const r = read(s.stream)
    s.write('data: 1\n\n')
    await r.next()
    await r.close()
    expect(s.cancelled()).toBe(true)
    expect(r.ended()).toBe(true)
  })

  it('reads a Response and a Node stream alike, and an absent body as an ended stream', async () => {
    const fromResponse = read(
      new Response('event: a\ndata: 1\n\n', { headers: { 'content-type': 'text/event-stream' } }),
    )
    const fromNode = read(Readable.from([Buffer.from('event: a\n'), 'data: 1\n\n']))
    for (const r of [fromResponse, fromNode]) {
      await r.done
      expect(r.events.map((e) => [e.event, e.data])).toEqual([['a', '1']])
    }
    const empty = read(null)
    await empty.done
    expect(empty.ended()).toBe(true)
  })

  it('stops a Node stream on close', async () => {
    const node = new Readable({ read() {} })
    const r = read(node)
    node.push('data: 1\n\n')
    await r.next()
    await r.close()
    expect(node.destroyed).toBe(true)
  })

  it('waits for afterRead before reading on', async () => {
    const s = pushStream()
    let release = () => {}
    const r = read(s.stream, {
      afterRead: (n) => (n === 1 ? new Promise<void>((resolve) => (release = resolve)) : undefined),
    })
    s.write('data: 1\n\n')
    s.write('data: 2\n\n')
    await r.next()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(r.events).toHaveLength(1)
    release()
    expect((await r.next()).data).toBe('2')
  })

  it('parses JSON data by event name, through a schema when given', async () => {
    const r = read(new Response('event: tick\ndata: {"n":1}\n\nevent: other\ndata: 2\n\n'))
    await r.done
    expect(r.json('tick')).toEqual([{ n: 1 }])
    const schema = {
      parse: (data: unknown) => {
        if (typeof data !== 'object' || data === null || !('n' in data)) throw new Error('no n')
        return { n: Number(data.n) }
      },
    }
    expect(r.json('tick', schema)[0]?.n).toBe(1)
    expect(() => r.json('other', schema)).toThrow('no n')
  })
})

describe('openSse', () => {
  it('reads an event stream over HTTP, leaves an error answer unread, and closes by aborting', async () => {
    let clientGone = false
    const server = createServer((req, res) => {
      if (req.url === '/bad') {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"no"}')
        return
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('event: hello\ndata: {}\n\n')
      req.on('close', () => (clientGone = true))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const sse = await openSse(`${base}/stream`)
      expect(sse.response.status).toBe(200)
      expect((await sse.next()).event).toBe('hello')
      await sse.close()
      expect(sse.ended()).toBe(true)
      await waitFor(() => clientGone, 'the server to see the client go')

      const bad = await openSse(`${base}/bad`)
      await bad.done
      expect(await bad.response.json()).toEqual({ error: 'no' })
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
