import type { OpenStreamOptions, TickerHub } from './ticker-hub.ts'

/**
 * What the ticker routes need, the same in both modes: open a stream on this instance, and change
 * the subscription of a stream that may be open on another instance (cluster mode).
 */
export interface TickerStreams {
  open(options: OpenStreamOptions): Promise<Response>
  /**
   * The stream's symbols now, or `undefined` when no instance holds a stream with that id opened
   * by `owner`.
   */
  change(
    connectionId: string,
    owner: string,
    add: string[],
    remove: string[],
  ): Promise<string[] | undefined>
}

/** The ticker of one mode: a hub over its feed (`createLocalTicker`, `createClusterTicker`). */
export interface TickerService extends TickerStreams {
  /** This instance's hub: its streams, resume buffer and history. */
  hub: TickerHub
  /** Resolves once the hub can serve (cluster mode: caught up with the log as it was at start-up). */
  ready: Promise<void>
  /** Whether the market runs in this process (always, in single-process mode). */
  isLeader(): boolean
  /** Stops the market if it runs here (cluster: and hands its lock over at once) and the feed. */
  stop(): Promise<void>
}
