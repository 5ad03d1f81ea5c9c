/** One frame as it crossed the wire, for the wire panel. */
export interface WireEntry {
  key: number
  at: number
  direction: 'in' | 'out'
  /** What the frame is in its protocol: `event`, `comment`, `retry`, `ping`, `sync-step-1`… */
  kind: string
  /** Event name, when the protocol has one. */
  event?: string
  id?: string
  /** The frame's text exactly as it was sent or received (binary frames: a readable rendering). */
  text: string
  bytes: number
  /** Which connection it came over, so reconnects are visible. */
  connection?: number
}

export interface WireLog {
  entries: readonly WireEntry[]
  counts: Readonly<Record<string, number>>
  totalBytes: number
  push(entry: Omit<WireEntry, 'key'>): void
  clear(): void
  paused: boolean
  setPaused(paused: boolean): void
}
