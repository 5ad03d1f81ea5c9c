import { SSE_HEADERS } from '@duplex/protocol/sse'
import type { Heartbeat } from './heartbeat.ts'

/** The writing end of one event stream, handed to whatever feeds it (ticker, job runner). */
export interface SseSink {
  /**
   * Queues bytes (or text) for the client. Ignored once the stream is closed. Everything written
   * in one turn of the event loop reaches the response as one chunk.
   */
  write(chunk: Uint8Array | string): void
  /**
   * True while the client has not drained what was already queued: callers should coalesce
   * instead of writing. A stream that stays behind for `slowConsumerMs` is closed here.
   */
  behind(): boolean
  /** Ends the stream on purpose; the client sees a clean end of response. */
  close(): void
  readonly closed: boolean
}

export interface SseStreamOptions {
  /** The request's signal: aborts within milliseconds of the client going away. */
  signal: AbortSignal
  heartbeat: Heartbeat
  /** Bytes the stream may queue before it counts as backlogged. */
  highWaterMarkBytes?: number
  /** A stream that stays backlogged this long is closed: the client is not reading. */
  slowConsumerMs: number
  /** Called when the client has drained the queue again, so coalesced data can be flushed. */
  onDrain?: () => void
  /** Called when the stream is backlogged for too long, before it closes; may write a last frame. */
  onSlowConsumer?: (sink: SseSink) => void
  /**
   * Called exactly once, however the stream ends (client gone, closed on purpose, error), and
   * never before `createSseStream` has returned: a caller that registers the stream right after
   * creating it (in a hub, a cap, a fault registry) always sees this after its registration, even
   * when the request was aborted before the stream existed. Register synchronously, with no
   * `await` in between.
   */
  onClose?: () => void
}

/**
 * Server-side faults on one stream ("Break it" panels): what a broken network or a stuck server
 * would do to it, so a visitor can watch EventSource recover.
 */
export interface SseFaults {
  /** Cuts the response without a proper end, as a dropped connection does; EventSource retries. */
  drop(): void
  /**
   * Writes nothing for `ms` (not even heartbeats) while the socket stays open, then sends what
   * was held back, in order: a stuck server, not a lossy one.
   */
  stall(ms: number): void
}

const encoder = new TextEncoder()

/** One buffer holding `parts` back to back. */
function concat(parts: Uint8Array[], byteLength: number): Uint8Array {
  const joined = new Uint8Array(byteLength)
  let offset = 0
  for (const part of parts) {
    joined.set(part, offset)
    offset += part.byteLength
  }
  return joined
}

/**
 * A ReadableStream-backed event stream with the things the guide's snippets leave out: cleanup on
 * every exit path, back-pressure (the queue is measured in bytes, so a slow client is noticed
 * instead of growing memory), a shared heartbeat, and writes coalesced per turn of the event loop.
 *
 * Why coalesce: Next pipes the stream into the Node response chunk by chunk, and each chunk costs
 * a read and a write promise on both web streams plus Next's async-context hooks — profiled under
 * fan-out, that per-chunk cost is most of the server's CPU (`pnpm bench:profile next`). A market
 * step or a burst of ticks written in one turn goes out as one chunk, with no added delay.
 */
export function createSseStream(options: SseStreamOptions): {
  sink: SseSink
  response: Response
  faults: SseFaults
} {
  const highWaterMark = options.highWaterMarkBytes ?? 64 * 1024
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let closed = false
  let backloggedSince: number | undefined
  let queued: Uint8Array[] = []
  let queuedBytes = 0
  /** While stalled, writes wait here instead of reaching the client. */
  let held: Uint8Array[] | undefined
  let stallTimer: ReturnType<typeof setTimeout> | undefined

  /** Hands what this turn wrote to the stream, as one chunk. */
  const flushQueued = () => {
    if (queued.length === 0) return
    const chunk = queued.length === 1 ? (queued[0] as Uint8Array) : concat(queued, queuedBytes)
    queued = []
    queuedBytes = 0
    try {
      controller.enqueue(chunk)
    } catch {
      // The runtime closed the stream first (client gone): nothing to deliver to.
    }
  }

  const cleanup = () => {
    if (closed) return
    closed = true
    clearTimeout(stallTimer)
    held = undefined
    options.heartbeat.delete(sink)
    options.signal.removeEventListener('abort', onAbort)
    options.onClose?.()
  }

  const onAbort = () => {
    cleanup()
    queued = []
    try {
      controller.close()
    } catch {
      // Already closed or errored by the runtime: nothing left to release.
    }
  }

  const sink: SseSink = {
    write(chunk) {
      if (closed) return
      const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk
      if (held) {
        held.push(bytes)
        return
      }
      if (queued.length === 0) queueMicrotask(flushQueued)
      queued.push(bytes)
      queuedBytes += bytes.byteLength
      sink.behind()
    },
    behind() {
      // A stall holds every frame back: telling the feed to coalesce would lose ticks the client
      // should get late, not never.
      if (closed || held) return false
      if ((controller.desiredSize ?? 0) - queuedBytes > 0) {
        backloggedSince = undefined
        return false
      }
      const now = Date.now()
      backloggedSince ??= now
      if (now - backloggedSince >= options.slowConsumerMs) {
        // Restart the clock first: the farewell frame written below must not trigger this again.
        backloggedSince = undefined
        options.onSlowConsumer?.(sink)
        sink.close()
      }
      return true
    },
    close() {
      if (closed) return
      releaseHeld()
      cleanup()
      flushQueued()
      try {
        controller.close()
      } catch {
        // The client went away first.
      }
    },
    get closed() {
      return closed
    },
  }

  /** Ends a stall: everything written meanwhile goes out now, in order. */
  const releaseHeld = () => {
    clearTimeout(stallTimer)
    const frames = held
    held = undefined
    if (frames) for (const frame of frames) sink.write(frame)
  }

  const faults: SseFaults = {
    drop() {
      if (closed) return
      cleanup()
      queued = []
      try {
        // An errored body makes the server destroy the socket mid-response: the client sees a
        // network error, not a clean end, which is the point of this fault. Named AbortError
        // because that is how Next tells a client that went away from a failing route: it
        // destroys the response either way, but logs a stack trace only for the latter.
        controller.error(
          Object.assign(new Error('connection dropped on request ("Break it" panel)'), {
            name: 'AbortError',
          }),
        )
      } catch {
        // Already gone.
      }
    },
    stall(ms) {
      if (closed) return
      held ??= []
      clearTimeout(stallTimer)
      stallTimer = setTimeout(releaseHeld, ms)
      stallTimer.unref?.()
    },
  }

  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c
      },
      pull() {
        if (closed) return
        backloggedSince = undefined
        options.onDrain?.()
      },
      cancel() {
        cleanup()
      },
    },
    { highWaterMark, size: (chunk) => chunk.byteLength },
  )

  options.heartbeat.add(sink)
  // A request aborted before its stream existed (the client left while the route was awaiting a
  // session or a lookup) is closed on the next microtask, not here: run now, `onClose` would come
  // before the caller had registered the stream, and the caller would then count a stream that is
  // gone for ever (a few aborted opens would use up a user's share of a capped stream).
  if (options.signal.aborted) queueMicrotask(onAbort)
  else options.signal.addEventListener('abort', onAbort, { once: true })

  return { sink, response: new Response(stream, { headers: SSE_HEADERS }), faults }
}
