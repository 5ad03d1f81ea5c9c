/** One run of the harness, as written to bench/results/<date>-<mode>.json. Every figure has its N. */
export interface Machine {
  cpuModel: string
  cores: number
  memoryBytes: number
  node: string
  platform: string
  /** 1, 5 and 15-minute load averages when the run started (they include a run that just ended). */
  loadAverage: number[]
  /** Share of all cores busy over the 2 s before the run started: anything else running. */
  busyAtStart?: number
}

export interface LatencySummary {
  /** Deliveries the percentiles are taken over. */
  n: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

export interface Counted {
  /** Distinct expected messages received (summed over connections). */
  delivered: number
  /** What should have arrived: connections × messages. */
  expected: number
  duplicates: number
  missing: number
}

export interface Cpu {
  /** CPU share of the server process (1 = one core). */
  serverCpu: number
  /** CPU share of every load process together (coordinator and workers, one core available). */
  loadCpu: number
  /** True when the load generator was above 85 % of its core: the run may measure the client. */
  loadBound: boolean
}

export interface FloodRow extends Counted, Cpu {
  stack: string
  messages: number
  ms: number
  msgsPerS: number
}

export interface FanoutRow extends Counted, Cpu {
  stack: string
  subscribers: number
  phase: 'fixed' | 'open'
  /** Messages per second the publisher aimed at (fixed phase). */
  rate?: number
  published: number
  payloadBytes: number
  deliveriesPerS: number
  latency: LatencySummary
  connectMs: number
}

export interface IdleRow {
  stack: string
  connections: number
  heartbeatMs: number
  rssPerConnBytes: number
  heapPerConnBytes: number
  /** Server CPU share while every connection sat idle. */
  idleCpu: number
  idleMs: number
}

export interface RttRow extends Counted {
  stack: string
  /** Round trips, one at a time. */
  messages: number
  sender: LatencySummary
  member: LatencySummary
  refused: number
}

/** JSON requests against one route, from `autocannon` with a fixed number of connections. */
export interface JsonRow {
  stack: string
  connections: number
  requests: number
  /** Non-2xx answers and socket errors. */
  errors: number
  reqPerS: number
  /** Server CPU-seconds the run took, and so per request. */
  serverCpuS: number
  cpuPerRequestUs: number
  latency: LatencySummary
}

// demo:editor:start
/** One replay of an editing trace through one Yjs server, with N observers. */
export interface ReplayRow {
  /** `seph-blog1` (the published trace, or a prefix of it) or `synthetic`. */
  trace: string
  server: string
  observers: number
  /** Transactions replayed, one Yjs transaction (one update) each. */
  txns: number
  textLength: number
  /** Writer start to the last transaction handed to its provider. */
  sendMs: number
  /** Writer start until every observer's text equalled the final text. */
  convergeMs: number
  /** Every observer's text equals the final text (and, for the whole trace, its `endContent`). */
  exact: boolean
  serverCpuS: number
  peakRssBytes: number
  /** Connections of the writer or an observer that closed during the replay. */
  dropped: number
}

/** Scenario 5, the editor's own (bench/src/scenarios/editor). */
export interface YjsResult {
  latency: LatencySummary & Counted
  trace: {
    ops: number
    ms: number
    opsPerS: number
    converged: boolean
    textLength: number
    docBytes: number
    serverRssBytes: number
    serverHeapBytes: number
  }
  reload: { ms: number; complete: boolean; textLength: number }
  /** Trace replays through Duplex, bare `@y/websocket-server` and Hocuspocus (absent in older runs). */
  replay?: ReplayRow[]
  /** A fresh realtime process loading the replayed published trace from storage. */
  replayReload?: { ms: number; complete: boolean; textLength: number; txns: number }
}
// demo:editor:end

export interface CleanupRow {
  stack: string
  /** How long after the last client left the server's own counts were back to zero (undefined: not within the limit). */
  zeroMs: number | null
  heapStartBytes: number
  heapEndBytes: number
  heapRatio: number
  /**
   * How much of the growth is V8's code space (machine code compiled for paths the run was the
   * first to exercise): memory that stays, but not memory any client holds. Absent in older runs.
   */
  codeGrowthBytes?: number
  ok: boolean
}

export interface GoalRow {
  id: string
  text: string
  /** Where the ratio comes from, e.g. "N=1000, open-ended". */
  basis: string
  value: number
  target: number
  /** `min`: value must be at least target; `max`: at most. */
  kind: 'min' | 'max'
  pass: boolean
}

export interface RunResult {
  version: 1
  mode: 'quick' | 'full' | 'smoke'
  startedAt: string
  durationS: number
  machine: Machine
  commit: string
  profile: Record<string, unknown>
  flood: FloodRow[]
  fanout: FanoutRow[]
  idle: IdleRow[]
  rtt: RttRow[]
  /** JSON route cost (absent in older runs). */
  json?: JsonRow[]
  yjs?: YjsResult // demo:editor
  cleanup: CleanupRow[]
  goals: GoalRow[]
  /** Anything the reader must know about this run (load-bound phases, failures). */
  notes: string[]
}
