import { encodeSseFrame, type SseFrame } from '@duplex/protocol/sse'
import { createParser } from 'eventsource-parser'

/** The `fetch` shape an EventSource calls; the global `fetch` fits it. */
export type FetchFunction = (input: string | URL, init?: RequestInit) => Promise<Response>

/** One frame as it crossed the wire, for the wire panel. */
export interface WireFrame {
  /** When the tap parsed it, `Date.now()`. */
  at: number
  kind: 'event' | 'comment' | 'retry'
  /** The frame re-encoded with `encodeSseFrame`: byte for byte what a well-formed server sent. */
  text: string
  /** UTF-8 length of `text`. */
  bytes: number
  /** The `event:` field, when the frame had one. */
  event?: string
  /** The `id:` field, when the frame had one. */
  id?: string
  /** Which HTTP request of this tap carried it: 1, 2, 3… A new number is a reconnect. */
  connection: number
}

export interface SseWireTapOptions {
  /** The fetch to wrap. Default: the global `fetch`, looked up at call time. */
  fetch?: FetchFunction
}

const utf8 = new TextEncoder()

/**
 * Wraps `fetch` so every event-stream response is read twice: once by the caller (an
 * EventSource) and once by a parser that reports each frame to `onWire`.
 *
 * @example
 * const es = new EventSource('/api/prices/stream?symbols=AAPL', {
 *   fetch: createSseWireTap((frame) => console.info(frame.connection, frame.text)),
 * })
 */
export function createSseWireTap(
  onWire: (frame: WireFrame) => void,
  options: SseWireTapOptions = {},
): FetchFunction {
  let connections = 0

  return async (input, init) => {
    const connection = ++connections
    const response = await (options.fetch ?? globalThis.fetch)(input, init)
    const contentType = response.headers.get('content-type') ?? ''
    // Error pages and 204s are not event streams: the EventSource reads nothing from them, and
    // parsing an HTML 404 as frames would only put noise in the panel.
    if (response.status !== 200 || !response.body || !contentType.startsWith('text/event-stream')) {
      return response
    }
    const [forCaller, forTap] = response.body.tee()
    void readFrames(forTap, (frame) => report(onWire, frame, connection))
    return withBody(response, forCaller)
  }
}

async function readFrames(
  body: ReadableStream<Uint8Array>,
  onFrame: (frame: SseFrame) => void,
): Promise<void> {
  const parser = createParser({
    onEvent: ({ id, event, data }) => onFrame({ id, event, data }),
    onComment: (comment) => onFrame({ comment }),
    onRetry: (retry) => onFrame({ retry }),
  })
  // The default decoder drops a leading BOM, as the EventSource's own decoder does;
  // eventsource-parser would otherwise see U+FEFF as part of the first field name.
  const decoder = new TextDecoder()
  const reader = body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parser.feed(decoder.decode(value, { stream: true }))
    }
    parser.feed(decoder.decode())
  } catch {
    // The EventSource aborted the request (close, or a new URL): the caller's half ends the
    // same way, and there is nothing left to report.
  }
}

function report(onWire: (frame: WireFrame) => void, frame: SseFrame, connection: number): void {
  let text: string
  try {
    text = encodeSseFrame(frame)
  } catch {
    // Only a retry beyond 2^53 gets here: the encoder refuses it, and showing other bytes than
    // the ones that crossed the wire would be worse than leaving it out.
    return
  }
  const wire: WireFrame = {
    at: Date.now(),
    kind: frame.comment !== undefined ? 'comment' : frame.retry !== undefined ? 'retry' : 'event',
    text,
    bytes: utf8.encode(text).byteLength,
    connection,
  }
  if (frame.event !== undefined) wire.event = frame.event
  if (frame.id !== undefined) wire.id = String(frame.id)
  try {
    onWire(wire)
  } catch (error) {
    // A broken panel must not stop the tap, and the stream itself never sees this half.
    console.error('[duplex/client] onWire threw', error)
  }
}

/** The same response with another body; `url` and `redirected` are kept for the EventSource's origin. */
function withBody(response: Response, body: ReadableStream<Uint8Array>): Response {
  const copy = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  })
  Object.defineProperties(copy, {
    url: { value: response.url },
    redirected: { value: response.redirected },
  })
  return copy
}
