import { createParser } from 'eventsource-parser'
import { WaitTimeoutError, type WaitForOptions } from './wait.ts'

/** What a reader saw, in order: dispatched events, comments, retry changes and parse errors. */
export type SseRecord =
  | { kind: 'event'; event: string | undefined; id: string | undefined; data: string }
  | { kind: 'comment'; text: string }
  | { kind: 'retry'; ms: number }
  | { kind: 'error'; message: string }

interface SseDecoder {
  /** Feeds the next chunk of the stream, cut anywhere (inside a character or a CRLF pair). */
  feed(chunk: Uint8Array | string): void
  /** Flushes what the text decoder still holds; call once the bytes are over. */
  end(): void
}

/**
 * Decodes raw bytes the way every reader in Duplex does: a streaming TextDecoder (which keeps a
 * character split across chunks whole, and drops a leading BOM) feeding eventsource-parser.
 */
function createSseDecoder(onRecord: (record: SseRecord) => void): SseDecoder {
  const parser = createParser({
    onEvent: (e) => onRecord({ kind: 'event', event: e.event, id: e.id, data: e.data }),
    onComment: (text) => onRecord({ kind: 'comment', text }),
    onRetry: (ms) => onRecord({ kind: 'retry', ms }),
    onError: (error) => onRecord({ kind: 'error', message: error.message }),
  })
  const decoder = new TextDecoder()
  return {
    feed: (chunk) =>
      parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })),
    end: () => parser.feed(decoder.decode()),
  }
}

/**
 * Every record in `chunks`, synchronously: for tests of the wire format itself.
 *
 * @example
 * expect(parseSse(encodeSseFrame({ data: 'x' }))).toEqual([{ kind: 'event', event: undefined, id: undefined, data: 'x' }])
 */
export function parseSse(chunks: Iterable<Uint8Array | string> | Uint8Array | string): SseRecord[] {
  const records: SseRecord[] = []
  const decoder = createSseDecoder((record) => records.push(record))
  const list = typeof chunks === 'string' || chunks instanceof Uint8Array ? [chunks] : chunks
  for (const chunk of list) decoder.feed(chunk)
  decoder.end()
  return records
}

/** One dispatched event, shaped like eventsource-parser's message plus when it arrived. */
export interface SseEvent {
  event: string | undefined
  id: string | undefined
  data: string
  /** `Date.now()` when the read carrying its end arrived. */
  receivedAt: number
  /** Which network read (1 for the first) carried its end: streamed events come in many reads. */
  read: number
}

/** Anything with a `parse` that returns T or throws, e.g. a zod schema of @duplex/protocol. */
export interface Parser<T> {
  parse(data: unknown): T
}

/** A fetch `Response`, a web `ReadableStream` or a Node stream (any async iterable of chunks). */
export type SseSource = Response | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>

export interface ReadSseOptions {
  /** Default timeout of `next`, `collect` and `until`. Defaults to 5000 ms. */
  timeoutMs?: number
  /**
   * Awaited after each read before the next one: a slow reader, e.g.
   * `afterRead: (n) => (n % 20 === 0 ? sleep(1) : undefined)`, lets backpressure build up.
   */
  afterRead?: (read: number) => void | Promise<void>
}

/** How long one wait may take, and what it is for (the error message); a string is the message. */
export type SseWaitOptions = Pick<WaitForOptions, 'timeoutMs' | 'message'> | string

export interface SseReader {
  /** Every event so far, in order. The array grows while the stream is read. */
  readonly events: SseEvent[]
  /** Comment lines (heartbeats) so far, without the colon. */
  readonly comments: string[]
  /** Every `retry:` value so far. */
  readonly retries: number[]
  /** Resolves once the stream is over: ended by the server, cancelled, aborted or failed. */
  readonly done: Promise<void>
  ended(): boolean
  /** The events so far whose `event:` is `name`. */
  named(name: string): SseEvent[]
  /** The JSON data of the events named `name`, checked by `schema` when one is given. */
  json<T = unknown>(name: string, schema?: Parser<T>): T[]
  /** The event after the last one `next` or `collect` returned (the first, to begin with). */
  next(options?: SseWaitOptions): Promise<SseEvent>
  /** The next `count` events after the last one `next` or `collect` returned. */
  collect(count: number, options?: SseWaitOptions): Promise<SseEvent[]>
  /**
   * Resolves with the events so far once `predicate` holds, checked now and whenever the stream
   * changes (an event, a comment, a retry, its end). Fails when the stream ends first, so the
   * predicate should depend on this stream only; poll anything else with `waitFor`.
   */
  until(
    predicate: (events: readonly SseEvent[]) => boolean,
    options?: SseWaitOptions,
  ): Promise<SseEvent[]>
  /** Stops reading (cancels the body, which a server sees as the client going away). */
  close(): Promise<void>
}

/**
 * Reads an event stream the way a real client parses it, recording everything it sees.
 *
 * @example
 * const stream = readSse(hub.openStream({ symbols: ['AAPL'], signal }))
 * const hello = await stream.next()
 * await stream.until(() => stream.named('tick').length >= 3, 'three ticks')
 * await stream.close()
 */
export function readSse(
  source: SseSource | null | undefined,
  options: ReadSseOptions = {},
): SseReader {
  const defaultTimeoutMs = options.timeoutMs ?? 5000
  const events: SseEvent[] = []
  const comments: string[] = []
  const retries: number[] = []
  const changed = new Set<() => void>()
  let reads = 0
  let ended = false
  let failure: unknown
  let cursor = 0

  const decoder = createSseDecoder((record) => {
    if (record.kind === 'event') {
      const { kind: _, ...message } = record
      events.push({ ...message, receivedAt: Date.now(), read: reads })
    } else if (record.kind === 'comment') comments.push(record.text)
    else if (record.kind === 'retry') retries.push(record.ms)
  })
  const notify = () => {
    for (const wake of [...changed]) wake()
  }

  const chunks = chunksOf(source)
  const done = (async () => {
    for (;;) {
      const chunk = await chunks.next()
      if (chunk.done) break
      reads++
      decoder.feed(chunk.value)
      notify()
      await options.afterRead?.(reads)
    }
    decoder.end()
  })()
    .catch((error: unknown) => {
      failure = error
    })
    .finally(() => {
      ended = true
      notify()
    })

  const describeState = () => {
    const last = events.at(-1)
    const lastText = last
      ? `, the last ${last.event === undefined ? 'unnamed' : `"${last.event}"`}${last.id === undefined ? '' : ` id ${last.id}`}`
      : ''
    const endText = !ended
      ? 'stream open'
      : failure !== undefined && !isAbort(failure)
        ? `stream failed: ${failure instanceof Error ? failure.message : String(failure)}`
        : 'stream ended'
    return `${events.length} event${events.length === 1 ? '' : 's'} so far${lastText}; ${endText}`
  }

  /** Resolves with `check()`'s first defined value, re-checking on every change of the stream. */
  function wait<T>(
    check: () => T | undefined,
    what: string,
    waitOptions: SseWaitOptions | undefined,
  ): Promise<T> {
    const { timeoutMs = defaultTimeoutMs, message } =
      typeof waitOptions === 'string' ? { message: waitOptions } : (waitOptions ?? {})
    const label = typeof message === 'function' ? message() : (message ?? what)
    return new Promise<T>((resolve, reject) => {
      const finish = (outcome: () => void) => {
        changed.delete(wake)
        clearTimeout(timer)
        outcome()
      }
      function wake() {
        let value: T | undefined
        try {
          value = check()
        } catch (error) {
          return finish(() => reject(error))
        }
        if (value !== undefined) return finish(() => resolve(value))
        if (ended)
          finish(() => reject(new Error(`the stream ended before ${label} (${describeState()})`)))
      }
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new WaitTimeoutError(
                `timed out after ${timeoutMs} ms waiting for ${label} (${describeState()})`,
              ),
            ),
          ),
        timeoutMs,
      )
      changed.add(wake)
      wake()
    })
  }

  const reader: SseReader = {
    events,
    comments,
    retries,
    done,
    ended: () => ended,
    named: (name) => events.filter((e) => e.event === name),
    json: <T>(name: string, schema?: Parser<T>) =>
      reader.named(name).map((e) => {
        const data: unknown = JSON.parse(e.data)
        return schema ? schema.parse(data) : (data as T)
      }),
    next: (waitOptions) =>
      wait(
        () => (cursor < events.length ? events[cursor++] : undefined),
        `event #${cursor + 1}`,
        waitOptions,
      ),
    collect: (count, waitOptions) => {
      const from = cursor
      return wait(
        () => {
          if (events.length < from + count) return undefined
          cursor = from + count
          return events.slice(from, cursor)
        },
        `${count} more event${count === 1 ? '' : 's'} after #${from}`,
        waitOptions,
      )
    },
    until: (predicate, waitOptions) =>
      wait(() => (predicate(events) ? [...events] : undefined), 'the condition', waitOptions),
    close: async () => {
      await chunks.cancel()
      await done
    },
  }
  return reader
}

export interface SseConnection extends SseReader {
  response: Response
}

/**
 * Opens `url` with fetch and reads it as an event stream. A response that is not
 * `text/event-stream` (an error answer) is left unread, so the test can still read its body.
 *
 * @example
 * const sse = await openSse(`${base}/api/prices/stream?symbols=AAPL`, { headers: { 'Last-Event-ID': id } })
 * expect(sse.response.status).toBe(200)
 * await sse.close()
 */
export async function openSse(
  url: string | URL,
  init: RequestInit = {},
  options: ReadSseOptions = {},
): Promise<SseConnection> {
  const controller = new AbortController()
  const signal = init.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal
  const response = await fetch(url, { ...init, signal })
  const isStream = response.headers.get('content-type')?.startsWith('text/event-stream') ?? false
  const reader = readSse(isStream ? response : null, options)
  return {
    ...reader,
    response,
    close: async () => {
      controller.abort()
      await reader.done
    },
  }
}

interface Chunks {
  next(): Promise<IteratorResult<Uint8Array | string>>
  cancel(): Promise<void>
}

function chunksOf(source: SseSource | null | undefined): Chunks {
  const body = source instanceof Response ? source.body : source
  if (!body) {
    return { next: async () => ({ done: true, value: undefined }), cancel: async () => {} }
  }
  if ('getReader' in body) {
    const reader = body.getReader()
    return {
      next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
      cancel: () => reader.cancel().catch(() => {}),
    }
  }
  const iterator = body[Symbol.asyncIterator]()
  return {
    next: () => iterator.next(),
    cancel: async () => {
      // A Node Readable ends its iteration when destroyed; other iterables have `return`.
      if ('destroy' in body && typeof body.destroy === 'function') (body.destroy as () => void)()
      else await iterator.return?.()
    },
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')
}
