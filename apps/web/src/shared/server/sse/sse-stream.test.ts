import { describe, expect, it, vi } from 'vitest'
import { createHeartbeat } from './heartbeat.ts'
import { createSseStream } from './sse-stream.ts'

const decoder = new TextDecoder()

function open(options: { highWaterMarkBytes?: number; slowConsumerMs?: number } = {}) {
  const abort = new AbortController()
  let closes = 0
  const { sink, response, faults } = createSseStream({
    signal: abort.signal,
    heartbeat: createHeartbeat(60_000),
    slowConsumerMs: options.slowConsumerMs ?? 60_000,
    highWaterMarkBytes: options.highWaterMarkBytes,
    onClose: () => closes++,
  })
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  return { sink, faults, reader, abort, closes: () => closes }
}

describe('createSseStream', () => {
  it('hands everything written in one turn to the response as one chunk, in order', async () => {
    const { sink, reader } = open()
    sink.write('data: 1\n\n')
    sink.write(new TextEncoder().encode('data: 2\n\n'))
    sink.write('data: 3\n\n')
    const first = await reader.read()
    expect(decoder.decode(first.value)).toBe('data: 1\n\ndata: 2\n\ndata: 3\n\n')

    // A later turn is a later chunk: nothing waits for more writes.
    sink.write('data: 4\n\n')
    expect(decoder.decode((await reader.read()).value)).toBe('data: 4\n\n')
  })

  it('delivers what was written before close(), then ends the response', async () => {
    const { sink, reader, closes } = open()
    sink.write('event: tick\ndata: {}\n\n')
    sink.write('event: closing\ndata: {}\n\n')
    sink.close()
    sink.write('data: too late\n\n')
    expect(decoder.decode((await reader.read()).value)).toBe(
      'event: tick\ndata: {}\n\nevent: closing\ndata: {}\n\n',
    )
    expect((await reader.read()).done).toBe(true)
    expect(closes()).toBe(1)
  })

  it('counts bytes not yet handed over as backlog, so a burst is noticed in the same turn', () => {
    const { sink } = open({ highWaterMarkBytes: 100 })
    sink.write('x'.repeat(60))
    expect(sink.behind()).toBe(false)
    sink.write('x'.repeat(60))
    expect(sink.behind()).toBe(true)
  })

  it('drops queued bytes and closes once, when the client goes away mid-turn', async () => {
    const { sink, abort, closes } = open()
    sink.write('data: 1\n\n')
    abort.abort()
    await Promise.resolve()
    expect(sink.closed).toBe(true)
    expect(closes()).toBe(1)
  })

  it('stall() holds every frame back, then sends them all in order; nothing is lost', async () => {
    vi.useFakeTimers()
    try {
      const { sink, faults, reader } = open()
      faults.stall(10_000)
      sink.write('data: 1\n\n')
      sink.write('data: 2\n\n')
      // The feed must not coalesce while stalled: that would turn a late frame into a lost one.
      expect(sink.behind()).toBe(false)
      let received = ''
      const read = reader.read().then((r) => (received = decoder.decode(r.value)))
      await vi.advanceTimersByTimeAsync(9_000)
      expect(received).toBe('')

      await vi.advanceTimersByTimeAsync(1_000)
      await read
      expect(received).toBe('data: 1\n\ndata: 2\n\n')
    } finally {
      vi.useRealTimers()
    }
  })

  it('drop() errors the response instead of ending it cleanly, and runs onClose once', async () => {
    const { sink, faults, reader, closes } = open()
    sink.write('data: 1\n\n')
    faults.drop()
    await expect(reader.read()).rejects.toThrow(/dropped/)
    expect(sink.closed).toBe(true)
    expect(closes()).toBe(1)
  })
})

describe('createSseStream on a request aborted before the stream existed', () => {
  it('closes it on the next microtask, never before the caller could register it', async () => {
    const heartbeat = createHeartbeat(60_000)
    const registry = new Set<object>()
    const abort = new AbortController()
    abort.abort()
    let closes = 0
    const { sink } = createSseStream({
      signal: abort.signal,
      heartbeat,
      slowConsumerMs: 60_000,
      onClose: () => {
        closes++
        registry.delete(sink)
      },
    })
    // What every route does: register the stream right after creating it.
    registry.add(sink)
    expect(closes).toBe(0)
    await Promise.resolve()
    expect(closes).toBe(1)
    expect(sink.closed).toBe(true)
    expect(registry.size).toBe(0)
    expect(heartbeat.size).toBe(0)
  })
})
