/** How big each scenario runs. `quick` is `pnpm bench`, `full` is `pnpm bench --full`. */
export interface Profile {
  name: 'quick' | 'full' | 'smoke'
  workers: number
  /** Scenario 1: messages to the one client. */
  floodCount: number
  /** Scenario 2: subscriber counts. */
  fanout: number[]
  /** Deliveries per second the fixed-rate phase aims at (rate = this / N, at least 2 msgs/s). */
  fixedDeliveriesPerS: number
  /** Length of each fan-out phase. */
  phaseMs: number
  /** Most messages a subscriber may be behind the publisher in the open-ended phase. */
  window: number
  /** Scenario 3: idle connections per stack, and how long CPU is watched. */
  idle: number
  idleMs: number
  /** Scenario 4: round trips. */
  chatCount: number
  /** Scenario 5: update round trips, and trace length. */
  yjsCount: number
  traceOps: number
  /** JSON requests: how long autocannon runs per route, with how many connections. */
  jsonMs: number
  jsonConnections: number
  /** Trace replay: transactions of the published trace (0: all of it), synthetic ops, observers. */
  replayTxns: number
  replaySyntheticOps: number
  replayObservers: number[]
  /**
   * Scenario 6: wait for Socket.IO to sweep expired recovery sessions (about a minute) before
   * reading the realtime server's heap. Off in the smoke run, which checks counts, not memory.
   */
  awaitRecoverySweep: boolean
}

export const PROFILES: Record<Profile['name'], Profile> = {
  quick: {
    name: 'quick',
    workers: 3,
    floodCount: 10_000,
    fanout: [100, 1000],
    fixedDeliveriesPerS: 20_000,
    phaseMs: 3000,
    window: 200,
    idle: 1000,
    idleMs: 6000,
    chatCount: 1000,
    yjsCount: 500,
    traceOps: 100_000,
    jsonMs: 4000,
    jsonConnections: 10,
    replayTxns: 10_000,
    replaySyntheticOps: 5_000,
    replayObservers: [1, 10],
    awaitRecoverySweep: true,
  },
  full: {
    name: 'full',
    workers: 4,
    floodCount: 10_000,
    fanout: [100, 1000, 5000],
    fixedDeliveriesPerS: 20_000,
    phaseMs: 8000,
    window: 200,
    idle: 10_000,
    idleMs: 30_000,
    chatCount: 5000,
    yjsCount: 2000,
    traceOps: 100_000,
    jsonMs: 10_000,
    jsonConnections: 10,
    replayTxns: 0,
    replaySyntheticOps: 50_000,
    replayObservers: [1, 10],
    awaitRecoverySweep: true,
  },
  smoke: {
    name: 'smoke',
    workers: 2,
    floodCount: 300,
    fanout: [6],
    fixedDeliveriesPerS: 300,
    phaseMs: 400,
    window: 50,
    idle: 6,
    idleMs: 300,
    chatCount: 20,
    yjsCount: 20,
    traceOps: 600,
    jsonMs: 300,
    jsonConnections: 2,
    replayTxns: 300,
    replaySyntheticOps: 200,
    replayObservers: [1, 3],
    awaitRecoverySweep: false,
  },
}
