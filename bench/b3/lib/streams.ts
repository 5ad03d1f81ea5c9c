/**
 * B3's streams: every open SSE stream's controller, and one encoded frame enqueued on each per
 * tick, as the guide's route handler writes it. Kept on `globalThis` because Next bundles each
 * route separately: a module-level Set would be one per route.
 */
const encoder = new TextEncoder()
const HEARTBEAT_MS = Number(process.env.SSE_HEARTBEAT_MS ?? 15_000)

interface Hub {
  streams: Set<ReadableStreamDefaultController<Uint8Array>>
  heartbeat?: ReturnType<typeof setInterval>
}

const hub: Hub = ((globalThis as { __b3Hub?: Hub }).__b3Hub ??= { streams: new Set() })

/** The bench's tick, the same fields and order as bench/src/lib/payload.ts `benchTick`. */
function tickFrame(seq: number): Uint8Array {
  const ts = performance.timeOrigin + performance.now()
  const data = JSON.stringify({ symbol: 'AAPL', price: 100, change: 0, ts, seq })
  return encoder.encode(`id: ${seq}\nevent: tick\ndata: ${data}\n\n`)
}

function broadcast(bytes: Uint8Array): void {
  for (const controller of hub.streams) {
    try {
      controller.enqueue(bytes)
    } catch {
      hub.streams.delete(controller)
    }
  }
}

export function publish(firstSeq: number, count: number): void {
  for (let i = 0; i < count; i++) broadcast(tickFrame(firstSeq + i))
}

export function streamCount(): number {
  return hub.streams.size
}

/** A `ReadableStream` of SSE frames: a hello event, then ticks and heartbeat comments. */
export function sseStream(signal: AbortSignal): ReadableStream<Uint8Array> {
  hub.heartbeat ??= setInterval(() => broadcast(encoder.encode(': ping\n\n')), HEARTBEAT_MS)
  let self: ReadableStreamDefaultController<Uint8Array> | undefined
  return new ReadableStream<Uint8Array>({
    start(controller) {
      self = controller
      controller.enqueue(encoder.encode('retry: 1000\nevent: hello\ndata: {}\n\n'))
      hub.streams.add(controller)
      signal.addEventListener('abort', () => {
        hub.streams.delete(controller)
        try {
          controller.close()
        } catch {
          // already closed by the client going away
        }
      })
    },
    cancel() {
      if (self) hub.streams.delete(self)
    },
  })
}
