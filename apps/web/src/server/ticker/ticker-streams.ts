import type { OpenStreamOptions, TickerHub } from './ticker-hub.ts'

/**
 * What the ticker routes need, the same in both modes: open a stream on this instance, and change
 * the subscription of a stream that may be open on another instance (cluster mode).
 */
export interface TickerStreams {
  open(options: OpenStreamOptions): Promise<Response>
  /** The stream's symbols now, or `undefined` when no instance holds a stream with that id. */
  change(connectionId: string, add: string[], remove: string[]): Promise<string[] | undefined>
}

/** One process: the hub is the whole ticker. */
export function localTickerStreams(hub: TickerHub): TickerStreams {
  return {
    open: async (options) => hub.openStream(options),
    change: async (connectionId, add, remove) => hub.changeSubscription(connectionId, add, remove),
  }
}
