import { randomUUID } from 'node:crypto'
import { encodeSseJson } from '@duplex/protocol/sse'
import type { CompareEcho, CompareHello } from '@duplex/protocol/compare'
import type { Heartbeat } from '@/shared/server/sse/heartbeat'
import { createSseStream, type SseSink } from '@/shared/server/sse/sse-stream'

export interface EchoHub {
  /** An event stream: `hello` with its connection id, then an `echo` for every POSTed message. */
  open(signal: AbortSignal): Response | undefined
  /** Writes the message back to its stream; false when there is no such stream. */
  echo(message: CompareEcho): boolean
  readonly size: number
}

/** Streams a page may hold open at once, all pages together; a live comparison needs one. */
const MAX_STREAMS = 50
/** A comparison stream ends after this long whatever happens: it is for one run. */
const MAX_AGE_MS = 5 * 60 * 1000

const encoder = new TextEncoder()

/** The SSE leg of /compare, on the same `createSseStream` as the ticker and job streams. */
export function createEchoHub(heartbeat: Heartbeat): EchoHub {
  const streams = new Map<string, SseSink>()
  return {
    open(signal) {
      if (streams.size >= MAX_STREAMS) return undefined
      const connectionId = randomUUID()
      const timers: ReturnType<typeof setTimeout>[] = []
      const { sink, response } = createSseStream({
        signal,
        heartbeat,
        slowConsumerMs: 30_000,
        onClose: () => {
          for (const timer of timers) clearTimeout(timer)
          streams.delete(connectionId)
        },
      })
      const timer = setTimeout(() => sink.close(), MAX_AGE_MS)
      timer.unref()
      timers.push(timer)
      streams.set(connectionId, sink)
      sink.write(encodeSseJson('hello', { connectionId } satisfies CompareHello))
      return response
    },
    echo(message) {
      const sink = streams.get(message.connectionId)
      if (!sink) return false
      sink.write(encoder.encode(encodeSseJson('echo', { seq: message.seq, t: message.t })))
      return true
    },
    get size() {
      return streams.size
    },
  }
}
