import type { SseFaults } from '../sse/sse-stream.ts'
import { faultRegistry } from './faults.ts'

export interface FaultableSseStream {
  /** The session's user id; a stream opened without a session takes no faults. */
  owner: string | undefined
  /** The id the client knows its stream by (the ticker's `hello.connectionId`, a job stream's `?stream=`). */
  connectionId: string
  faults: SseFaults
  /** The feature's SIGTERM goodbye for this one stream: a `retry:` hint, its own last event, the end. */
  restart(): void
}

/**
 * Makes one event stream reachable by its owner's "Break it" panel. Returns the unregister
 * function, for the stream's `onClose`.
 */
export function registerSseFaults(stream: FaultableSseStream): () => void {
  if (stream.owner === undefined) return () => undefined
  const registry = faultRegistry()
  return registry.register(stream.owner, stream.connectionId, {
    drop: () => stream.faults.drop(),
    stall: () => stream.faults.stall(registry.settings.stallMs),
    restart: () => stream.restart(),
  })
}
