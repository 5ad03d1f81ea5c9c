import { defineEventMap, type EventMap } from '@duplex/protocol/events'
import { encodeSseFrame, encodeSseJson } from '@duplex/protocol/sse'
import { sleep } from '@duplex/testing/wait'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import {
  createEventStream,
  type EventStream,
  type EventStreamOptions,
  type InvalidEvent,
  type StreamState,
} from './event-stream.ts'
import {
  type Respond,
  type SseTestServer,
  startEventStream,
  startSseTestServer,
} from './testing/sse-test-server.ts'
import { trackTimers } from './testing/timer-tracker.ts'
import { TASK_TERMINAL_EVENTS, TaskEvents, type Task } from './testing/task-events.ts'

const TestEvents = defineEventMap({
  tick: z.object({ n: z.number() }),
  note: z.object({ text: z.string() }),
})
type TestEventMap = typeof TestEvents

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function serve(respond: Respond): Promise<SseTestServer> {
  const server = await startSseTestServer(respond)
  cleanups.push(() => server.close())
  return server
}

/** Creates a stream, records every state it passes through, and closes it after the test. */
function stream<M extends EventMap = TestEventMap>(
  options: Omit<EventStreamOptions<M>, 'events'> & { events?: M },
) {
  const s = createEventStream({
    events: TestEvents as EventMap as M,
    onInvalid: () => {},
    ...options,
  })
  const states: StreamState[] = []
  s.onStatus((state) => states.push(state))
  cleanups.push(() => s.close())
  return { s, states }
}

/** Resolves with the first state (now or later) that matches. */
function stateMatching<M extends EventMap>(
  s: EventStream<M>,
  match: (state: StreamState) => boolean,
) {
  return new Promise<StreamState>((resolve) => {
    if (match(s.state)) return resolve(s.state)
    const off = s.onStatus((state) => {
      if (!match(state)) return
      off()
      resolve(state)
    })
  })
}

function collect(s: EventStream<TestEventMap>) {
  const seen: { n: number; id?: string }[] = []
  let wake = () => {}
  s.on('tick', (data, meta) => {
    seen.push(meta.id === undefined ? { n: data.n } : { n: data.n, id: meta.id })
    wake()
  })
  const until = (count: number) =>
    new Promise<typeof seen>((resolve) => {
      wake = () => {
        if (seen.length >= count) resolve([...seen])
      }
      wake()
    })
  return { seen, until }
}

const tick = (n: number, id?: string | number) => encodeSseJson('tick', { n }, id)
/** A short server-sent retry, so the EventSource's own reconnect takes milliseconds, not 3 s. */
const FAST_RETRY = encodeSseFrame({ retry: 10 })

function task(status: Task['status']): Task {
  return {
    id: 'task-1',
    name: 'export',
    status,
    percent: 100,
    stage: 'done',
    message: '',
    durationMs: 1000,
    createdAt: 1,
    updatedAt: 2,
    endedAt: 2,
    reason: null,
  }
}

describe('createEventStream', () => {
  it('dispatches typed data per event and skips data that is not JSON or fails its schema', async () => {
    const server = await serve((res) => {
      startEventStream(res)
      res.write(tick(1, 1))
      res.write(encodeSseJson('tick', { n: 'two' }, 2))
      res.write(encodeSseFrame({ event: 'note', data: 'not json' }))
      res.write(encodeSseJson('note', { text: 'hi' }))
      res.write(encodeSseJson('unlisted', { n: 9 }))
      res.write(encodeSseFrame({ data: '{"n":10}' }))
      res.write(tick(3, 3))
    })
    const invalid: InvalidEvent<TestEventMap>[] = []
    const { s } = stream({ url: server.url(), onInvalid: (i) => invalid.push(i) })
    const notes: unknown[] = []
    s.on('note', (data, meta) => notes.push([data, meta]))
    const removed: unknown[] = []
    const off = s.on('tick', (data) => removed.push(data))
    off()
    const ticks = collect(s)
    s.connect()

    expect(await ticks.until(2)).toEqual([
      { n: 1, id: '1' },
      { n: 3, id: '3' },
    ])
    expect(notes).toEqual([[{ text: 'hi' }, { event: 'note' }]])
    expect(removed).toEqual([])
    expect(invalid.map(({ error, ...rest }) => [rest, error.name])).toEqual([
      [{ event: 'tick', id: '2', data: '{"n":"two"}' }, 'ZodError'],
      [{ event: 'note', data: 'not json' }, 'SyntaxError'],
    ])
    expect(s.lastEventId).toBe('3')
    expect(s.state).toEqual({ status: 'open' })
  })

  it('closes after a terminal event and makes no further request', async () => {
    const server = await serve((res) => {
      startEventStream(res)
      res.write(FAST_RETRY)
      res.write(
        encodeSseJson(
          'progress',
          { taskId: 'task-1', percent: 50, stage: 'b', message: '', ts: 1 },
          1,
        ),
      )
      res.write(encodeSseJson('done', { task: task('done') }, 2))
      // Without the terminal rule this end would be a drop, retried 10 ms later.
      res.end()
    })
    const { s, states } = stream({
      url: server.url(),
      events: TaskEvents,
      terminalEvents: TASK_TERMINAL_EVENTS,
    })
    const done: Task[] = []
    s.on('done', ({ task }) => done.push(task))
    s.connect()

    await stateMatching(s, (st) => st.status === 'closed')
    await sleep(100)

    expect(done.map((j) => j.status)).toEqual(['done'])
    expect(states).toEqual([
      { status: 'connecting' },
      { status: 'open' },
      { status: 'closed', reason: 'ended' },
    ])
    expect(server.requests).toHaveLength(1)
  })

  it('closes as ended on HTTP 204 and never asks again', async () => {
    const server = await serve((res) => {
      res.writeHead(204).end()
    })
    const { s, states } = stream({ url: server.url() })
    s.connect()
    await stateMatching(s, (st) => st.status === 'closed')
    await sleep(100)

    expect(states).toEqual([
      { status: 'connecting' },
      { status: 'closed', reason: 'ended', httpStatus: 204 },
    ])
    expect(server.requests).toHaveLength(1)
  })

  it.each([400, 401, 403, 404, 410])(
    'closes with http-error on HTTP %d and does not retry',
    async (code) => {
      const server = await serve((res) => {
        res.writeHead(code, { 'Content-Type': 'application/json' }).end('{"error":"no"}')
      })
      const { s, states } = stream({ url: server.url(), backoff: { baseMs: 1, maxMs: 1 } })
      s.connect()
      await stateMatching(s, (st) => st.status === 'closed')
      await sleep(50)

      expect(states).toEqual([
        { status: 'connecting' },
        { status: 'closed', reason: 'http-error', httpStatus: code },
      ])
      expect(server.requests).toHaveLength(1)
    },
  )

  it('backs off after 5xx, then recovers and resumes with lastEventId in the query', async () => {
    const statuses = [200, 500, 503, 200]
    const server = await serve((res, { n }) => {
      const status = statuses[n - 1] ?? 200
      if (status !== 200) return void res.writeHead(status).end()
      startEventStream(res)
      res.write(FAST_RETRY)
      res.write(tick(n, n * 10))
      if (n === 1) res.end()
    })
    const { s, states } = stream({
      url: server.url('/stream?symbols=AAPL,MSFT'),
      backoff: { baseMs: 20, maxMs: 30 },
    })
    const ticks = collect(s)
    s.connect()

    expect(await ticks.until(2)).toEqual([
      { n: 1, id: '10' },
      { n: 4, id: '40' },
    ])
    const [first, second, third, fourth] = server.requests
    // The EventSource's own retry: same URL, id in the header.
    expect(second?.lastEventIdHeader).toBe('10')
    expect(second?.query.get('lastEventId')).toBeNull()
    // The manager's retries: a new EventSource cannot set headers, so the id goes in the query.
    for (const request of [third, fourth]) {
      expect(request?.query.get('lastEventId')).toBe('10')
      expect(request?.query.get('symbols')).toBe('AAPL,MSFT')
      expect(request?.lastEventIdHeader).toBeUndefined()
    }
    expect(first?.query.get('lastEventId')).toBeNull()

    const delayMs = expect.any(Number) as unknown
    expect(states).toEqual([
      { status: 'connecting' },
      { status: 'open' },
      { status: 'reconnecting', cause: 'dropped', attempt: 1 },
      { status: 'reconnecting', cause: 'http-error', attempt: 2, httpStatus: 500, delayMs },
      { status: 'reconnecting', cause: 'http-error', attempt: 3, httpStatus: 503, delayMs },
      { status: 'open' },
    ])
    // Attempts 2 and 3 would wait up to 20·2¹ and 20·2² ms; maxMs caps both at 30.
    for (const state of states) {
      if ('delayMs' in state) expect(state.delayMs).toBeLessThanOrEqual(30)
    }
  })

  it.each([408, 429])('treats HTTP %d as temporary and retries', async (code) => {
    const server = await serve((res, { n }) => {
      if (n === 1) return void res.writeHead(code).end()
      startEventStream(res)
      res.write(tick(1, 1))
    })
    const { s, states } = stream({ url: server.url(), backoff: { baseMs: 5, maxMs: 5 } })
    const ticks = collect(s)
    s.connect()
    await ticks.until(1)

    expect(states.map((st) => [st.status, 'httpStatus' in st ? st.httpStatus : undefined])).toEqual(
      [
        ['connecting', undefined],
        ['reconnecting', code],
        ['open', undefined],
      ],
    )
    expect(server.requests).toHaveLength(2)
  })

  it('gives up after backoff.maxRetries consecutive failures', async () => {
    const server = await serve((res) => void res.writeHead(500).end())
    const { s, states } = stream({
      url: server.url(),
      backoff: { baseMs: 1, maxMs: 2, maxRetries: 2 },
    })
    s.connect()
    await stateMatching(s, (st) => st.status === 'closed')
    await sleep(30)

    expect(states.at(-1)).toEqual({ status: 'closed', reason: 'gave-up', httpStatus: 500 })
    expect(server.requests).toHaveLength(3)
  })

  it('resumes a dropped connection on the same URL with the Last-Event-ID header', async () => {
    const server = await serve((res, { n }) => {
      startEventStream(res)
      res.write(FAST_RETRY)
      if (n === 1) {
        res.write(tick(1, 'a-1'))
        res.write(tick(2, 'a-2'))
        res.end()
      } else {
        res.write(tick(3, 'a-3'))
      }
    })
    const { s, states } = stream({ url: server.url('/stream?symbols=AAPL') })
    const ticks = collect(s)
    s.connect()

    expect((await ticks.until(3)).map((t) => t.n)).toEqual([1, 2, 3])
    expect(server.requests.map((r) => [r.path, r.query.toString(), r.lastEventIdHeader])).toEqual([
      ['/stream', 'symbols=AAPL', undefined],
      ['/stream', 'symbols=AAPL', 'a-2'],
    ])
    expect(states).toEqual([
      { status: 'connecting' },
      { status: 'open' },
      { status: 'reconnecting', cause: 'dropped', attempt: 1 },
      { status: 'open' },
    ])
    expect(s.lastEventId).toBe('a-3')
  })

  it('reopens at once on the new URL with lastEventId when url() changed during a drop', async () => {
    let symbols = 'AAPL'
    const server = await serve((res, { n }) => {
      startEventStream(res)
      if (n === 1) {
        // A long retry: the EventSource alone would wait 5 s, on the old watchlist.
        res.write(encodeSseFrame({ retry: 5000 }))
        res.write(tick(1, 7))
        setTimeout(() => res.end(), 20)
      } else {
        res.write(tick(2, 8))
      }
    })
    const { s, states } = stream({ url: () => server.url(`/stream?symbols=${symbols}`) })
    const ticks = collect(s)
    s.on('tick', ({ n }) => {
      if (n === 1) symbols = 'AAPL,MSFT'
    })
    const started = Date.now()
    s.connect()

    expect((await ticks.until(2)).map((t) => t.n)).toEqual([1, 2])
    expect(Date.now() - started).toBeLessThan(4000) // well under the 5 s retry it would otherwise wait
    const second = server.requests[1]
    expect(second?.query.get('symbols')).toBe('AAPL,MSFT')
    expect(second?.query.get('lastEventId')).toBe('7')
    expect(states).toContainEqual({ status: 'reconnecting', cause: 'url-changed', attempt: 1 })
    await sleep(50)
    expect(server.requests).toHaveLength(2)
  })

  it('reconnect() opens a new connection on url() at once, carrying lastEventId', async () => {
    let room = 'a'
    const server = await serve((res, { n }) => {
      startEventStream(res)
      res.write(tick(n, `id-${n}`))
    })
    const { s, states } = stream({ url: () => server.url(`/stream?room=${room}`) })
    const ticks = collect(s)
    s.connect()
    await ticks.until(1)
    room = 'b'
    s.reconnect()
    await ticks.until(2)

    expect(server.requests.map((r) => r.query.toString())).toEqual([
      'room=a',
      'room=b&lastEventId=id-1',
    ])
    expect(states).toEqual([
      { status: 'connecting' },
      { status: 'open' },
      { status: 'reconnecting', cause: 'requested', attempt: 0 },
      { status: 'open' },
    ])
  })

  it('reports a throwing handler to onError and still delivers to the other handlers', async () => {
    const server = await serve((res) => {
      startEventStream(res)
      res.write(tick(1))
      res.write(tick(2))
    })
    const errors: unknown[] = []
    const { s } = stream({ url: server.url(), onError: (e) => errors.push(e) })
    s.on('tick', ({ n }) => {
      if (n === 1) throw new Error('handler broke')
    })
    const ticks = collect(s)
    s.connect()

    expect((await ticks.until(2)).map((t) => t.n)).toEqual([1, 2])
    expect(errors).toEqual([new Error('handler broke')])
  })

  it('keeps the reason it closed for when close() is called afterwards', async () => {
    const server = await serve((res) => void res.writeHead(404).end())
    const { s } = stream({ url: server.url() })
    s.connect()
    await stateMatching(s, (st) => st.status === 'closed')
    s.close()
    s.close()
    expect(s.state).toEqual({ status: 'closed', reason: 'http-error', httpStatus: 404 })
  })
})

describe('createEventStream close()', () => {
  const timers = () => {
    const tracker = trackTimers(/event-stream\.ts|[\\/]eventsource[\\/]dist[\\/]/)
    cleanups.push(() => tracker.restore())
    return tracker
  }

  it('clears the backoff timer when a status listener closes the stream', async () => {
    const tracker = timers()
    const server = await serve((res) => void res.writeHead(500).end())
    const { s } = stream({ url: server.url(), backoff: { baseMs: 50, maxMs: 50 } })
    s.onStatus((state) => {
      if (state.status === 'reconnecting') s.close()
    })
    s.connect()
    await stateMatching(s, (st) => st.status === 'closed')
    await sleep(0)

    expect(tracker.pending()).toBe(0)
    expect(s.state).toEqual({ status: 'closed', reason: 'closed-by-client' })
    await sleep(100)
    expect(server.requests).toHaveLength(1)
  })

  it('clears the EventSource retry timer when closed while it waits to retry a drop', async () => {
    const tracker = timers()
    const server = await serve((res) => {
      startEventStream(res)
      res.write(encodeSseFrame({ retry: 60_000 }))
      res.write(tick(1, 1))
      res.end()
    })
    const { s } = stream({ url: server.url() })
    // Closing from inside the error dispatch is the hard case: the retry timer is armed after it.
    s.onStatus((state) => {
      if (state.status === 'reconnecting') s.close()
    })
    s.connect()
    await stateMatching(s, (st) => st.status === 'closed')
    await sleep(0)

    expect(tracker.pending()).toBe(0)
    expect(server.requests).toHaveLength(1)
  })

  it('leaves no timer and makes no request after close() during a backoff wait', async () => {
    const tracker = timers()
    // Jitter drawn at the middle: a 50 ms wait that is certainly still pending below.
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    cleanups.push(() => vi.restoreAllMocks())
    const server = await serve((res) => void res.writeHead(503).end())
    const { s } = stream({ url: server.url(), backoff: { baseMs: 100, maxMs: 100 } })
    s.connect()
    const waiting = await stateMatching(s, (st) => st.status === 'reconnecting')

    expect(waiting).toEqual({
      status: 'reconnecting',
      cause: 'http-error',
      attempt: 1,
      httpStatus: 503,
      delayMs: 50,
    })
    expect(tracker.pending()).toBe(1)
    s.close()
    expect(tracker.pending()).toBe(0)
    await sleep(100)
    expect(server.requests).toHaveLength(1)
  })
})
