import { randomUUID } from 'node:crypto'
import { encodeSseJson } from '@duplex/protocol/sse'
import type { CompareEcho, CompareHello } from '@duplex/protocol/compare'
import type { Heartbeat } from '@/shared/server/sse/heartbeat'
import { createSseStream, type SseSink } from '@/shared/server/sse/sse-stream'

/** Why a stream was not opened: the user's own share is used up, or the process's. */
export type EchoRefusal = 'user' | 'total'

export interface EchoHub {
  /**
   * An event stream for `owner`: `hello` with its connection id, then an `echo` for every
   * message POSTed to it, or why not (its owner or everyone already holds as many as allowed).
   */
  open(signal: AbortSignal, owner: string): Response | EchoRefusal
  /** Writes the message back to its stream; false when there is no such stream of `owner`'s. */
  echo(message: CompareEcho, owner: string): boolean
  readonly size: number
}

export interface EchoHubOptions {
  heartbeat: Heartbeat
  maxPerUser: number
  maxTotal: number
}

/** A comparison stream ends after this long whatever happens: it is for one run. */
const MAX_AGE_MS = 5 * 60 * 1000

const encoder = new TextEncoder()

/**
 * The SSE leg of /compare, on the same `createSseStream` as the ticker and job streams. Each user
 * has a share of the streams, so one client cannot fill the process's bound and lock out the rest.
 */
export function createEchoHub({ heartbeat, maxPerUser, maxTotal }: EchoHubOptions): EchoHub {
  const streams = new Map<string, { sink: SseSink; owner: string }>()
  const perUser = new Map<string, number>()
  return {
    open(signal, owner) {
      if ((perUser.get(owner) ?? 0) >= maxPerUser) return 'user'
      if (streams.size >= maxTotal) return 'total'
      const connectionId = randomUUID()
      const timers: ReturnType<typeof setTimeout>[] = []
      const { sink, response } = createSseStream({
        signal,
        heartbeat,
        slowConsumerMs: 30_000,
        onClose: () => {
          for (const timer of timers) clearTimeout(timer)
          if (!streams.delete(connectionId)) return
          const left = (perUser.get(owner) ?? 1) - 1
          if (left > 0) perUser.set(owner, left)
          else perUser.delete(owner)
        },
      })
      const timer = setTimeout(() => sink.close(), MAX_AGE_MS)
      timer.unref()
      timers.push(timer)
      streams.set(connectionId, { sink, owner })
      perUser.set(owner, (perUser.get(owner) ?? 0) + 1)
      sink.write(encodeSseJson('hello', { connectionId } satisfies CompareHello))
      return response
    },
    echo(message, owner) {
      const stream = streams.get(message.connectionId)
      if (!stream || stream.owner !== owner) return false
      stream.sink.write(encoder.encode(encodeSseJson('echo', { seq: message.seq, t: message.t })))
      return true
    },
    get size() {
      return streams.size
    },
  }
}
