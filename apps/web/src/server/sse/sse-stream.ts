import { SSE_HEADERS } from '@duplex/protocol/sse'
import type { Heartbeat } from './heartbeat.ts'

/** The writing end of one event stream, handed to whatever feeds it (ticker, job runner). */
export interface SseSink {
  /** Queues bytes (or text) for the client. Ignored once the stream is closed. */
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
  /** Called exactly once, however the stream ends (client gone, closed on purpose, error). */
  onClose?: () => void
}

const encoder = new TextEncoder()

/**
 * A ReadableStream-backed event stream with the three things the guide's snippets leave out:
 * cleanup on every exit path, back-pressure (the queue is measured in bytes, so a slow client
 * is noticed instead of growing memory), and a shared heartbeat.
 */
export function createSseStream(options: SseStreamOptions): { sink: SseSink; response: Response } {
  const highWaterMark = options.highWaterMarkBytes ?? 64 * 1024
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let closed = false
  let backloggedSince: number | undefined

  const cleanup = () => {
    if (closed) return
    closed = true
    options.heartbeat.delete(sink)
    options.signal.removeEventListener('abort', onAbort)
    options.onClose?.()
  }

  const onAbort = () => {
    cleanup()
    try {
      controller.close()
    } catch {
      // Already closed or errored by the runtime: nothing left to release.
    }
  }

  const sink: SseSink = {
    write(chunk) {
      if (closed) return
      controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk)
      sink.behind()
    },
    behind() {
      if (closed) return false
      if ((controller.desiredSize ?? 0) > 0) {
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
      cleanup()
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

  if (options.signal.aborted) cleanup()
  else options.signal.addEventListener('abort', onAbort, { once: true })
  options.heartbeat.add(sink)

  return { sink, response: new Response(stream, { headers: SSE_HEADERS }) }
}
