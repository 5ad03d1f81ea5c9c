/**
 * The Server-Sent Events wire format, written by hand because it is the point of this project:
 * the encoder is a dozen lines, and every rule it follows comes from the WHATWG HTML spec,
 * section "Server-sent events" (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 *
 * Reading frames is NOT done here: every reader in Duplex (wire panel, Node test clients,
 * benchmarks) uses `eventsource-parser`, the parser the wider ecosystem relies on.
 */

/** Response headers every event stream in Duplex sends. */
export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // `no-transform` stops compression middleware and proxies from buffering the stream to gzip it.
  'Cache-Control': 'no-cache, no-transform',
  // nginx buffers proxied responses unless the upstream opts out per response.
  'X-Accel-Buffering': 'no',
  // No `Connection: keep-alive` (the guide sends it): it is a hop-by-hop header, HTTP/1.1 keeps
  // connections alive by default, and HTTP/2 forbids it outright.
} as const

/** One frame of an event stream. Every field is optional; an empty frame encodes to a bare blank line. */
export interface SseFrame {
  /** Sets the client's last event id (sent back as `Last-Event-ID` on reconnect). */
  id?: string | number
  /** The event type; a client listens with `addEventListener(event, …)`. Defaults to `message`. */
  event?: string
  /** The payload. Line breaks (LF, CR or CRLF) become one `data:` line each. */
  data?: string
  /** Reconnection delay in milliseconds that the client should use from now on. */
  retry?: number
  /** A comment line. Clients ignore it; it keeps proxies and idle timeouts from closing the stream. */
  comment?: string
}

/** Thrown when a frame cannot be written without changing its meaning on the wire. */
export class SseEncodeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SseEncodeError'
  }
}

const LINE_BREAK = /\r\n|\r|\n/
const FORBIDDEN_IN_FIELD = /[\r\n\0]/

function assertSingleLine(field: 'id' | 'event', value: string): void {
  if (FORBIDDEN_IN_FIELD.test(value)) {
    // A CR or LF would end the field early and smuggle in another one; a NUL makes
    // browsers silently ignore the id. Either way the client would see something else.
    throw new SseEncodeError(
      `SSE ${field} must not contain CR, LF or NUL: ${JSON.stringify(value)}`,
    )
  }
}

/**
 * Encodes one frame to its exact wire text, ending with the blank line that dispatches it.
 *
 * @example
 * encodeSseFrame({ id: 7, event: 'tick', data: '{"symbol":"AAPL"}' })
 * // 'id: 7\nevent: tick\ndata: {"symbol":"AAPL"}\n\n'
 */
export function encodeSseFrame(frame: SseFrame): string {
  let out = ''
  if (frame.comment !== undefined) {
    for (const line of frame.comment.split(LINE_BREAK)) out += `: ${line}\n`
  }
  if (frame.retry !== undefined) {
    // Past 2^53 a number is no longer exact, and from 1e21 `String()` writes `1e+21`, which
    // every parser drops as an invalid retry: only safe integers keep their meaning on the wire.
    if (!Number.isSafeInteger(frame.retry) || frame.retry < 0) {
      throw new SseEncodeError(`SSE retry must be a non-negative integer, got ${frame.retry}`)
    }
    out += `retry: ${frame.retry}\n`
  }
  if (frame.id !== undefined) {
    const id = String(frame.id)
    assertSingleLine('id', id)
    out += `id: ${id}\n`
  }
  if (frame.event !== undefined) {
    assertSingleLine('event', frame.event)
    out += `event: ${frame.event}\n`
  }
  if (frame.data !== undefined) {
    // The space after the colon is part of the format: parsers strip exactly one, so a line
    // that itself starts with a space keeps it.
    for (const line of frame.data.split(LINE_BREAK)) out += `data: ${line}\n`
  }
  return `${out}\n`
}

/** Encodes a named event whose data is JSON. JSON never contains a raw line break, so this is one `data:` line. */
export function encodeSseJson(event: string, data: unknown, id?: string | number): string {
  const json: string | undefined = JSON.stringify(data)
  if (json === undefined) {
    // `undefined`, a function or a symbol stringify to nothing; a frame without a `data:` line
    // is never dispatched, so the event would vanish without a trace.
    throw new SseEncodeError(
      `SSE event ${JSON.stringify(event)} has no JSON representation for its data`,
    )
  }
  return encodeSseFrame({ id, event, data: json })
}

/** A heartbeat: a comment frame that crosses every proxy and that no client dispatches. */
export function encodeSseComment(text: string): string {
  return encodeSseFrame({ comment: text })
}
