import { readSse } from '@duplex/testing/sse'
import { afterEach, describe, expect, it } from 'vitest'
import { createHeartbeat } from '@/shared/server/sse/heartbeat'
import { createMarket, type Market, type MarketTick } from './market.ts'
import { LISTINGS } from './symbols.ts'
import { createTickerHub, type TickFeed } from './ticker-hub.ts'

/** A market whose steps the test triggers by hand, and the feed that hands them to the hub. */
function manualMarket(): Omit<Market, 'start'> & TickFeed & { emit(): MarketTick[] } {
  const market = createMarket({ listings: LISTINGS, seed: 42, intervalMs: 1_000_000 })
  let publish: (ticks: MarketTick[]) => void = () => {}
  return {
    ...market,
    start: (target) => {
      publish = target.publish
    },
    emit() {
      const ticks = market.step()
      publish(ticks)
      return ticks
    },
  }
}

const hubs: { abort: AbortController[]; market?: Market }[] = []
afterEach(() => {
  for (const h of hubs.splice(0)) for (const a of h.abort) a.abort()
})

function setup(
  options: {
    bufferSize?: number
    maxReplay?: number
    slowConsumerMs?: number
    heartbeatMs?: number
  } = {},
) {
  const market = manualMarket()
  const heartbeat = createHeartbeat(options.heartbeatMs ?? 60_000)
  const hub = createTickerHub({
    feed: market,
    quotes: market,
    listings: LISTINGS,
    heartbeat,
    bufferSize: options.bufferSize ?? 1000,
    maxReplay: options.maxReplay,
    retryMs: 1500,
    slowConsumerMs: options.slowConsumerMs ?? 60_000,
  })
  const entry = { abort: [] as AbortController[] }
  hubs.push(entry)
  const open = (symbols: string[], lastEventId?: string, owner = 'u') => {
    const abort = new AbortController()
    entry.abort.push(abort)
    const response = hub.openStream({ symbols, lastEventId, signal: abort.signal, owner })
    return { response, abort, read: readSse(response) }
  }
  return { market, hub, heartbeat, open }
}

describe('createTickerHub', () => {
  it('opens with a retry hint and a hello naming the connection and its symbols', async () => {
    const { open } = setup()
    const { response, read } = open(['AAPL', 'MSFT'])
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform')
    expect(response.headers.get('x-accel-buffering')).toBe('no')
    await read.until(() => read.events.length >= 2, 'hello and snapshot')
    expect(read.retries).toEqual([1500])
    const [hello, snapshot] = read.events
    expect(hello?.event).toBe('hello')
    expect(JSON.parse(hello?.data ?? '')).toMatchObject({
      connectionId: expect.any(String),
      symbols: ['AAPL', 'MSFT'],
      resume: 'fresh',
    })
    expect(snapshot?.event).toBe('snapshot')
    expect(
      JSON.parse(snapshot?.data ?? '').quotes.map((q: { symbol: string }) => q.symbol),
    ).toEqual(['AAPL', 'MSFT'])
  })

  it('sends each stream only its symbols, with ids from one process-wide sequence', async () => {
    const { open, market } = setup()
    const a = open(['AAPL'])
    const b = open(['MSFT', 'TSLA'])
    let published: MarketTick[] = []
    for (let i = 0; i < 20; i++) published = published.concat(market.emit())
    const expectA = published.filter((t) => t.symbol === 'AAPL').length
    const expectB = published.filter((t) => t.symbol === 'MSFT' || t.symbol === 'TSLA').length
    await a.read.until(() => a.read.named('tick').length === expectA, 'AAPL ticks')
    await b.read.until(() => b.read.named('tick').length === expectB, 'MSFT/TSLA ticks')
    expect(new Set(a.read.named('tick').map((e) => JSON.parse(e.data).symbol))).toEqual(
      new Set(['AAPL']),
    )
    const ids = [...a.read.named('tick'), ...b.read.named('tick')].map((e) => Number(e.id))
    expect(new Set(ids).size).toBe(ids.length) // no id is used twice across streams
    for (const read of [a.read, b.read]) {
      const own = read.named('tick').map((e) => Number(e.id))
      own.forEach((id, i) => i > 0 && expect(id).toBeGreaterThan(own[i - 1] ?? 0))
    }
  })

  it('replays exactly the missed ticks of the stream’s symbols after Last-Event-ID, then goes live', async () => {
    const { open, market } = setup()
    const first = open(['AAPL', 'NVDA'])
    for (let i = 0; i < 5; i++) market.emit()
    await first.read.until(() => first.read.named('tick').length > 0, 'first ticks')
    const seen = first.read.named('tick')
    const lastId = seen.at(-1)?.id ?? '0'
    first.abort.abort()

    const missed: MarketTick[] = []
    for (let i = 0; i < 10; i++)
      missed.push(...market.emit().filter((t) => t.symbol === 'AAPL' || t.symbol === 'NVDA'))
    const second = open(['AAPL', 'NVDA'], lastId)
    await second.read.until(() => second.read.named('tick').length === missed.length, 'replay')
    expect(JSON.parse(second.read.events[0]?.data ?? '').resume).toBe('resumed')
    expect(second.read.events.some((e) => e.event === 'snapshot')).toBe(false)
    expect(second.read.named('tick').map((e) => JSON.parse(e.data))).toEqual(missed)

    const live = market.emit().filter((t) => t.symbol === 'AAPL' || t.symbol === 'NVDA')
    await second.read.until(
      () => second.read.named('tick').length === missed.length + live.length,
      'live',
    )
    // Per symbol, seq goes up by one across the reconnect: no gap, no duplicate.
    const all = [...seen, ...second.read.named('tick')].map((e) => JSON.parse(e.data) as MarketTick)
    for (const symbol of ['AAPL', 'NVDA']) {
      const seqs = all.filter((t) => t.symbol === symbol).map((t) => t.seq)
      seqs.forEach((s, i) => i > 0 && expect(s).toBe((seqs[i - 1] ?? 0) + 1))
    }
  })

  it('answers an id older than the buffer, or never issued, with a reset snapshot', async () => {
    const { open, market } = setup({ bufferSize: 100 })
    for (let i = 0; i < 30; i++) market.emit() // far more than 100 ticks
    for (const id of ['1', '999999']) {
      const s = open(['AAPL'], id)
      await s.read.until(() => s.read.events.length >= 2, 'hello and snapshot')
      expect(JSON.parse(s.read.events[0]?.data ?? '').resume).toBe('reset')
      expect(s.read.events[1]?.event).toBe('snapshot')
      expect(JSON.parse(s.read.events[1]?.data ?? '')).toMatchObject({ reset: true })
      expect(s.read.named('tick')).toHaveLength(0)
    }
  })

  it('resets a reconnect further behind than maxReplay instead of replaying the whole buffer', async () => {
    const { open, market, hub } = setup({ bufferSize: 1000, maxReplay: 40 })
    for (let i = 0; i < 10; i++) market.emit() // 200 ticks, all still in the buffer
    const head = hub.stats().headId
    const zero = open(['AAPL'], '0')
    await zero.read.until(() => zero.read.events.length >= 2, 'hello and snapshot')
    expect(JSON.parse(zero.read.events[0]?.data ?? '').resume).toBe('reset')
    expect(JSON.parse(zero.read.events[1]?.data ?? '')).toMatchObject({ reset: true })
    expect(zero.read.named('tick')).toHaveLength(0)
    // Within the bound, it is still a replay.
    const near = open(['AAPL'], String(head - 40))
    await near.read.until(() => near.read.events.length >= 1, 'hello')
    expect(JSON.parse(near.read.events[0]?.data ?? '').resume).toBe('resumed')
  })

  it('lets only the stream’s opener change its subscription; to anyone else it does not exist', async () => {
    const { open, hub } = setup()
    const s = open(['AAPL'], undefined, 'user-ada')
    await s.read.until(() => s.read.events.length >= 2, 'hello')
    const { connectionId } = JSON.parse(s.read.events[0]?.data ?? '')
    expect(hub.changeSubscription(connectionId, 'user-mallory', ['TSLA'], ['AAPL'])).toBeUndefined()
    expect(hub.changeSubscription(connectionId, 'user-ada', [], [])).toEqual(['AAPL'])
  })

  it('changes an open stream’s symbols without reconnecting', async () => {
    const { open, market, hub } = setup()
    const s = open(['AAPL'])
    await s.read.until(() => s.read.events.length >= 2, 'hello')
    const { connectionId } = JSON.parse(s.read.events[0]?.data ?? '')
    expect(hub.changeSubscription(connectionId, 'u', ['TSLA'], ['AAPL'])).toEqual(['TSLA'])
    const ticks = market.emit()
    const tsla = ticks.filter((t) => t.symbol === 'TSLA').length
    await s.read.until(() => s.read.named('tick').length === tsla && tsla > 0, 'TSLA ticks')
    expect(s.read.named('tick').every((e) => JSON.parse(e.data).symbol === 'TSLA')).toBe(true)
    expect(hub.changeSubscription('nope', 'u', ['TSLA'], [])).toBeUndefined()
  })

  it('releases the subscriber and the heartbeat the moment the client goes away', async () => {
    const { open, hub, heartbeat, market } = setup()
    const streams = [open(['AAPL']), open(['MSFT']), open(['AAPL', 'TSLA'])]
    expect(hub.stats().connections).toBe(3)
    expect(heartbeat.size).toBe(3)
    streams[0]?.abort.abort()
    await streams[1]?.read.close()
    streams[2]?.abort.abort()
    market.emit()
    expect(hub.stats().connections).toBe(0)
    expect(heartbeat.size).toBe(0)
  })

  it('keeps no subscriber, registration or heartbeat for a request aborted before its stream was registered', async () => {
    const market = manualMarket()
    const heartbeat = createHeartbeat(60_000)
    const open = new Set<string>()
    const hub = createTickerHub({
      feed: market,
      quotes: market,
      listings: LISTINGS,
      heartbeat,
      bufferSize: 100,
      retryMs: 1500,
      slowConsumerMs: 60_000,
      onConnectionOpen: (id) => open.add(id),
      onConnectionClose: (id) => open.delete(id),
    })
    const gone = new AbortController()
    gone.abort()
    hub.openStream({ symbols: ['AAPL'], signal: gone.signal, owner: 'u' })
    await Promise.resolve()
    market.emit()
    expect(hub.stats().connections).toBe(0)
    expect(heartbeat.size).toBe(0)
    // The cluster's registry of open connections (`onConnectionOpen`) is emptied again too.
    expect(open.size).toBe(0)
  })

  it('sends a heartbeat comment on every stream each period', async () => {
    const { open } = setup({ heartbeatMs: 20 })
    const s = open(['AAPL'])
    await s.read.until(() => s.read.comments.length >= 2, 'two heartbeats')
    expect(s.read.comments.every((c) => c.trim() === 'ping')).toBe(true)
  })

  it('coalesces to the latest price per symbol for a reader that falls behind', async () => {
    const { hub, market } = setup()
    const abort = new AbortController()
    // Nobody reads this response yet: its queue fills up as a slow network would make it.
    const response = hub.openStream({ symbols: ['AAPL', 'MSFT'], signal: abort.signal, owner: 'u' })
    const published: MarketTick[] = []
    for (let i = 0; i < 1000; i++) published.push(...market.emit())
    const read = readSse(response)
    const latest = (symbol: string) => published.filter((t) => t.symbol === symbol).at(-1)
    await read.until(
      () =>
        ['AAPL', 'MSFT'].every((sym) =>
          read
            .named('tick')
            .some(
              (e) =>
                JSON.parse(e.data).seq === latest(sym)?.seq && JSON.parse(e.data).symbol === sym,
            ),
        ),
      'the latest tick of each symbol',
    )
    const wanted = published.filter((t) => t.symbol === 'AAPL' || t.symbol === 'MSFT').length
    expect(read.named('tick').length).toBeLessThan(wanted / 2)
    abort.abort()
  }, 20_000)

  it('closes a stream whose reader stays behind for too long, saying why', async () => {
    const { hub, market } = setup({ slowConsumerMs: 100 })
    const abort = new AbortController()
    const response = hub.openStream({ symbols: ['AAPL', 'MSFT'], signal: abort.signal, owner: 'u' })
    for (let i = 0; i < 1000; i++) market.emit()
    await new Promise((r) => setTimeout(r, 150))
    market.emit()
    expect(hub.stats().connections).toBe(0)
    const read = readSse(response)
    await read.until(() => read.ended(), 'the stream to end')
    const closing = read.events.find((e) => e.event === 'closing')
    expect(closing && JSON.parse(closing.data)).toMatchObject({ reason: 'slow_consumer' })
  }, 20_000)
})
