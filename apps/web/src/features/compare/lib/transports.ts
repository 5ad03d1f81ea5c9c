import {
  CompareHelloSchema,
  type CompareClientToServerEvents,
  type CompareSocketEchoAck,
} from '@duplex/protocol/compare'
import { DISCONNECT_REASON_EVENT, DisconnectReasonSchema } from '@duplex/protocol/realtime'
import type { Socket } from 'socket.io-client'
import { realtimeAuthToken } from '@/shared/lib/realtime-auth'
import { socketEndpoint } from '@/shared/lib/realtime-connection'

/** The legs of a live run, one per transport. The Yjs leg talks to the editor's endpoint. */
export const TRANSPORTS = [
  {
    id: 'sse',
    label: 'SSE',
    color: '#0ea5e9',
    path: 'POST /api/compare/echo → event on the stream',
  },
  { id: 'socketio', label: 'Socket.IO', color: '#8b5cf6', path: 'emit compare-echo → ack' },
  // demo:editor:start
  {
    id: 'yjs',
    label: 'Yjs',
    color: '#f59e0b',
    path: 'update from one provider → applied by another',
  },
  // demo:editor:end
] as const satisfies readonly { id: string; label: string; color: string; path: string }[]

export type TransportId = (typeof TRANSPORTS)[number]['id']

/**
 * Messages in flight per transport, the same for all three. A browser opens at most 6 HTTP/1.1
 * connections per host and the SSE stream holds one, so SSE could not have more POSTs pending.
 */
export const IN_FLIGHT = 4

/** How often the live chart gets a point. */
export const SAMPLE_MS = 200

export interface Sample {
  index: number
  /** Messages completed per second during this sample. */
  rate: number
  /** Mean latency of the messages completed during this sample. */
  latencyMs: number | undefined
}

/** What a leg reports as it runs; the page turns it into samples and totals. */
export interface LegProgress {
  onDone(latencyMs: number): void
  onDuplicate(): void
  signal: AbortSignal
}

export interface LegSetup {
  realtimeUrl: string
  messages: number
}

/** Keeps at most `window` messages in flight until `total` have completed. */
export async function pump(
  total: number,
  window: number,
  signal: AbortSignal,
  send: (seq: number) => void,
  completed: () => number,
  wake: { notify: () => void; wait: () => Promise<void> },
) {
  let sent = 0
  while (completed() < total && !signal.aborted) {
    while (sent < total && sent - completed() < window) send(sent++)
    await wake.wait()
  }
}

export function waker() {
  let resolve: (() => void) | undefined
  return {
    notify: () => {
      resolve?.()
      resolve = undefined
    },
    wait: () =>
      new Promise<void>((r) => {
        resolve = r
        setTimeout(r, 1000)
      }),
  }
}

/** SSE: each message is POSTed and comes back as an `echo` event on the page's event stream. */
export async function runSse(setup: LegSetup, progress: LegProgress): Promise<void> {
  const source = new EventSource('/api/compare/stream')
  try {
    const connectionId = await new Promise<string>((resolve, reject) => {
      source.addEventListener('hello', (e) =>
        resolve(
          CompareHelloSchema.parse(JSON.parse((e as MessageEvent<string>).data)).connectionId,
        ),
      )
      source.onerror = () => reject(new Error('the comparison stream did not open'))
    })
    const seen = new Uint8Array(setup.messages)
    let done = 0
    const wake = waker()
    source.addEventListener('echo', (e) => {
      const { seq, t } = JSON.parse((e as MessageEvent<string>).data) as { seq: number; t: number }
      if (seen[seq]) return progress.onDuplicate()
      seen[seq] = 1
      done++
      progress.onDone(performance.now() - t)
      wake.notify()
    })
    await pump(
      setup.messages,
      IN_FLIGHT,
      progress.signal,
      (seq) =>
        void fetch('/api/compare/echo', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ connectionId, seq, t: performance.now() }),
        }),
      () => done,
      wake,
    )
  } finally {
    source.close()
  }
}

/** Socket.IO: `compare-echo` requests, each answered by its ack, through the realtime server. */
export async function runSocketIo(setup: LegSetup, progress: LegProgress): Promise<void> {
  const { io } = await import('socket.io-client')
  const token = await realtimeAuthToken(setup.realtimeUrl)
  const { origin, path } = socketEndpoint(setup.realtimeUrl)
  const socket: Socket<Record<never, never>, CompareClientToServerEvents> = io(origin, {
    path,
    transports: ['websocket'],
    withCredentials: true,
    reconnection: false,
    ...(token ? { auth: { token } } : {}),
  })
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('connect_error', (error) => reject(error))
    })
    const seen = new Uint8Array(setup.messages)
    let done = 0
    let refused: string | undefined
    const wake = waker()
    // The server hanging up (the session signed out or expired mid-run) ends the leg with its
    // reason, instead of waiting for acks that cannot come.
    let told: string | undefined
    // Compare's event map lists what it sends; this one is the server's own, to every socket.
    ;(socket as unknown as Socket).on(DISCONNECT_REASON_EVENT, (payload: unknown) => {
      const parsed = DisconnectReasonSchema.safeParse(payload)
      if (parsed.success) told = `${parsed.data.code}: ${parsed.data.message}`
    })
    socket.on('disconnect', (reason) => {
      refused ??= told ?? reason
      wake.notify()
    })
    const onAck = (ack: CompareSocketEchoAck) => {
      if (!ack.ok) {
        // A refused echo (rate limit, bad payload) ends the leg with the server's reason.
        refused ??= `${ack.error.code}: ${ack.error.message}`
        wake.notify()
        return
      }
      if (seen[ack.seq]) return progress.onDuplicate()
      seen[ack.seq] = 1
      done++
      progress.onDone(performance.now() - ack.t)
      wake.notify()
    }
    await pump(
      setup.messages,
      IN_FLIGHT,
      progress.signal,
      (seq) => {
        if (refused === undefined) socket.emit('compare-echo', { seq, t: performance.now() }, onAck)
      },
      () => (refused === undefined ? done : setup.messages),
      wake,
    )
    if (refused !== undefined) throw new Error(refused)
  } finally {
    socket.off('disconnect')
    socket.disconnect()
  }
}
