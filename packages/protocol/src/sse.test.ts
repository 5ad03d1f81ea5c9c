import { createParser } from 'eventsource-parser'
import { describe, expect, it } from 'vitest'
import {
  encodeSseComment,
  encodeSseFrame,
  encodeSseJson,
  SSE_HEADERS,
  SseEncodeError,
} from './sse.ts'

/** What a reader saw, in order: dispatched events, comments, retry changes and parse errors. */
type Seen =
  | { kind: 'event'; event: string | undefined; id: string | undefined; data: string }
  | { kind: 'comment'; text: string }
  | { kind: 'retry'; ms: number }
  | { kind: 'error'; message: string }

const utf8 = new TextEncoder()

/**
 * Reads raw bytes the way every reader in Duplex does: a streaming TextDecoder (which keeps a
 * character split across chunks whole, and drops a leading BOM) feeding eventsource-parser.
 * It is @duplex/testing's `parseSse`, kept here because the kit depends on @duplex/auth, which
 * depends on this package: a test dependency on the kit would close a cycle.
 */
function readStream(chunks: Uint8Array[]): Seen[] {
  const seen: Seen[] = []
  const parser = createParser({
    onEvent: (e) => seen.push({ kind: 'event', event: e.event, id: e.id, data: e.data }),
    onComment: (text) => seen.push({ kind: 'comment', text }),
    onRetry: (ms) => seen.push({ kind: 'retry', ms }),
    onError: (error) => seen.push({ kind: 'error', message: error.message }),
  })
  const decoder = new TextDecoder()
  for (const chunk of chunks) parser.feed(decoder.decode(chunk, { stream: true }))
  parser.feed(decoder.decode())
  return seen
}

function readText(text: string): Seen[] {
  return readStream([utf8.encode(text)])
}

/** Every way to cut `bytes` in two, including inside multi-byte characters and CRLF pairs. */
function* splitsOf(bytes: Uint8Array): Generator<[number, Uint8Array[]]> {
  for (let at = 0; at <= bytes.length; at++) yield [at, [bytes.subarray(0, at), bytes.subarray(at)]]
}

function event(data: string, extra: { event?: string; id?: string } = {}): Seen {
  return { kind: 'event', event: extra.event, id: extra.id, data }
}

describe('encodeSseFrame', () => {
  it('writes id, event and data in that order and ends the frame with a blank line', () => {
    expect(encodeSseFrame({ id: 7, event: 'tick', data: '{"symbol":"AAPL"}' })).toBe(
      'id: 7\nevent: tick\ndata: {"symbol":"AAPL"}\n\n',
    )
  })

  it('writes comment, retry, id, event and data in that order when a frame has all of them', () => {
    const text = encodeSseFrame({ comment: 'c', retry: 10, id: 'x', event: 'e', data: 'd' })
    expect(text).toBe(': c\nretry: 10\nid: x\nevent: e\ndata: d\n\n')
    expect(readText(text)).toEqual([
      { kind: 'comment', text: 'c' },
      { kind: 'retry', ms: 10 },
      event('d', { event: 'e', id: 'x' }),
    ])
  })

  it.each([
    ['LF', 'a\nb\nc', 'data: a\ndata: b\ndata: c\n'],
    ['CR', 'a\rb\rc', 'data: a\ndata: b\ndata: c\n'],
    ['CRLF', 'a\r\nb\r\nc', 'data: a\ndata: b\ndata: c\n'],
    ['mixed breaks', 'a\r\nb\rc\nd', 'data: a\ndata: b\ndata: c\ndata: d\n'],
    ['a trailing LF', 'a\n', 'data: a\ndata: \n'],
    ['a blank line inside', 'a\n\nb', 'data: a\ndata: \ndata: b\n'],
  ])(
    'splits data with %s into one data line each and reads back joined with LF',
    (_, data, lines) => {
      const text = encodeSseFrame({ data })
      expect(text).toBe(`${lines}\n`)
      expect(readText(text)).toEqual([event(data.replace(/\r\n|\r/g, '\n'))])
    },
  )

  it('keeps a leading space in data, because parsers strip exactly one after the colon', () => {
    const text = encodeSseFrame({ data: '  two spaces' })
    expect(text).toBe('data:   two spaces\n\n')
    expect(readText(text)).toEqual([event('  two spaces')])
  })

  it('dispatches empty data as an event with an empty string', () => {
    expect(encodeSseFrame({ data: '' })).toBe('data: \n\n')
    expect(readText(encodeSseFrame({ data: '' }))).toEqual([event('')])
  })

  it('encodes an empty frame as a bare blank line that dispatches nothing', () => {
    expect(encodeSseFrame({})).toBe('\n')
    expect(readText(encodeSseFrame({}))).toEqual([])
  })

  it('does not dispatch a frame that has an id and event but no data', () => {
    expect(readText(encodeSseFrame({ id: 1, event: 'tick' }))).toEqual([])
  })

  it.each([
    [0, '0'],
    [42, '42'],
    ['abc-123', 'abc-123'],
    ['with spaces and: colons', 'with spaces and: colons'],
    ['', ''],
  ])('writes id %j so a reader sees %j', (id, expected) => {
    expect(readText(encodeSseFrame({ id, data: 'x' }))).toEqual([event('x', { id: expected })])
  })

  it.each(['tick', 'job:progress', 'snake_case', 'message'])(
    'carries the event name %j',
    (name) => {
      expect(readText(encodeSseFrame({ event: name, data: '1' }))).toEqual([
        event('1', { event: name }),
      ])
    },
  )

  it.each([0, 1, 2500, Number.MAX_SAFE_INTEGER])(
    'writes retry %d as digits a reader accepts',
    (ms) => {
      const text = encodeSseFrame({ retry: ms })
      expect(text).toBe(`retry: ${ms}\n\n`)
      expect(readText(text)).toEqual([{ kind: 'retry', ms }])
    },
  )

  it('writes a multi-line comment as one comment line per line, none of them dispatched', () => {
    const text = encodeSseFrame({ comment: 'one\ntwo\r\nthree' })
    expect(text).toBe(': one\n: two\n: three\n\n')
    expect(readText(text)).toEqual([
      { kind: 'comment', text: 'one' },
      { kind: 'comment', text: 'two' },
      { kind: 'comment', text: 'three' },
    ])
  })

  it.each([
    ['中文', '中文行情'],
    ['emoji', '🚀 launch 🚀'],
    ['combining marks', 'e\u0301 n\u0303 a\u030a'],
    ['a lone U+2028, which is not an SSE line break', 'a\u2028b'],
  ])('round-trips %s data exactly', (_, data) => {
    expect(readText(encodeSseFrame({ id: '中', event: 'ünïcode', data }))).toEqual([
      event(data, { event: 'ünïcode', id: '中' }),
    ])
  })

  describe('rejects fields it cannot write without changing their meaning', () => {
    it.each([
      ['CR', 'a\rb'],
      ['LF', 'a\nb'],
      ['CRLF', 'a\r\nb'],
      ['NUL', 'a\0b'],
    ])('throws SseEncodeError for an id containing %s', (_, id) => {
      expect(() => encodeSseFrame({ id, data: 'x' })).toThrow(SseEncodeError)
      expect(() => encodeSseFrame({ id, data: 'x' })).toThrow(
        /^SSE id must not contain CR, LF or NUL/,
      )
    })

    it.each([
      ['CR', 'a\rb'],
      ['LF', 'a\nb'],
      ['NUL', 'a\0b'],
    ])('throws SseEncodeError for an event name containing %s', (_, name) => {
      expect(() => encodeSseFrame({ event: name, data: 'x' })).toThrow(SseEncodeError)
      expect(() => encodeSseFrame({ event: name, data: 'x' })).toThrow(
        /^SSE event must not contain CR, LF or NUL/,
      )
    })

    it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 1e21])(
      'throws SseEncodeError for retry %d',
      (retry) => {
        expect(() => encodeSseFrame({ retry })).toThrow(SseEncodeError)
        expect(() => encodeSseFrame({ retry })).toThrow(/^SSE retry must be a non-negative integer/)
      },
    )

    it('names the error class so logs say what went wrong', () => {
      const error = (() => {
        try {
          encodeSseFrame({ id: '\n' })
        } catch (e) {
          return e
        }
      })()
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).name).toBe('SseEncodeError')
    })
  })
})

describe('encodeSseJson', () => {
  it('writes the JSON on one data line under the event name and id', () => {
    expect(encodeSseJson('tick', { symbol: 'AAPL', price: 1.5 }, 3)).toBe(
      'id: 3\nevent: tick\ndata: {"symbol":"AAPL","price":1.5}\n\n',
    )
  })

  it('keeps line breaks inside JSON strings escaped, so the data stays on one line', () => {
    const text = encodeSseJson('note', { text: 'line 1\nline 2\r\n' })
    expect(text).toBe('event: note\ndata: {"text":"line 1\\nline 2\\r\\n"}\n\n')
    expect(readText(text)).toEqual([event('{"text":"line 1\\nline 2\\r\\n"}', { event: 'note' })])
  })

  it.each([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
  ])('throws SseEncodeError for %s, which has no JSON and would never be dispatched', (_, data) => {
    expect(() => encodeSseJson('tick', data)).toThrow(SseEncodeError)
  })

  it('writes null as the JSON literal null', () => {
    expect(encodeSseJson('tick', null)).toBe('event: tick\ndata: null\n\n')
  })
})

describe('encodeSseComment', () => {
  it('writes a comment frame that readers report as a comment and never as an event', () => {
    expect(encodeSseComment('ping')).toBe(': ping\n\n')
    expect(readText(encodeSseComment('ping'))).toEqual([{ kind: 'comment', text: 'ping' }])
  })
})

describe('SSE_HEADERS', () => {
  it('declares a UTF-8 event stream that caches and transforms must leave alone', () => {
    expect(SSE_HEADERS['Content-Type']).toBe('text/event-stream; charset=utf-8')
    expect(SSE_HEADERS['Cache-Control']).toBe('no-cache, no-transform')
    expect(SSE_HEADERS['X-Accel-Buffering']).toBe('no')
  })
})

describe('a stream of encoded frames', () => {
  const frames = [
    encodeSseComment('connected'),
    encodeSseFrame({ retry: 1500 }),
    encodeSseJson('hello', { connectionId: 'c-1' }, 1),
    encodeSseFrame({ id: 'two', event: 'note', data: '中文\r\n🚀 e\u0301\rend' }),
    encodeSseFrame({ data: ' leading space' }),
    encodeSseFrame({ data: '' }),
    encodeSseComment('ping'),
    encodeSseFrame({ id: 3, data: 'last' }),
  ]
  const text = frames.join('')
  const expected: Seen[] = [
    { kind: 'comment', text: 'connected' },
    { kind: 'retry', ms: 1500 },
    event('{"connectionId":"c-1"}', { event: 'hello', id: '1' }),
    event('中文\n🚀 e\u0301\nend', { event: 'note', id: 'two' }),
    event(' leading space'),
    event(''),
    { kind: 'comment', text: 'ping' },
    event('last', { id: '3' }),
  ]
  const bytes = utf8.encode(text)

  it('reads back whole as exactly the frames written', () => {
    expect(readStream([bytes])).toEqual(expected)
  })

  it('contains multi-byte characters, so the splits below cut inside them', () => {
    expect(bytes.length).toBeGreaterThan(text.length)
  })

  it('reads back the same frames when cut in two at every byte offset', () => {
    for (const [at, chunks] of splitsOf(bytes)) {
      expect(readStream(chunks), `split at byte ${at}`).toEqual(expected)
    }
  })

  it('reads back the same frames when fed one byte at a time', () => {
    const chunks = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1))
    expect(readStream(chunks)).toEqual(expected)
  })

  it('reads back the same frames with CRLF line endings, cut at every byte offset', () => {
    const crlf = utf8.encode(text.replace(/\n/g, '\r\n'))
    for (const [at, chunks] of splitsOf(crlf)) {
      expect(readStream(chunks), `split at byte ${at}`).toEqual(expected)
    }
  })

  it('reads back the same frames with CR line endings, cut at every byte offset', () => {
    // eventsource-parser holds back a CR that ends a chunk until it knows whether an LF follows,
    // so a CR-only stream's last frame waits for the next byte; the final LF supplies it.
    const cr = utf8.encode(`${text.replace(/\n/g, '\r')}\n`)
    for (const [at, chunks] of splitsOf(cr)) {
      expect(readStream(chunks), `split at byte ${at}`).toEqual(expected)
    }
  })

  it('ignores a UTF-8 BOM at the start of the stream, even when a cut falls inside it', () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes])
    for (const [at, chunks] of splitsOf(withBom)) {
      expect(readStream(chunks), `split at byte ${at}`).toEqual(expected)
    }
  })
})
