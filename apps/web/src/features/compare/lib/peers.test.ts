import { describe, expect, it } from 'vitest'
import type { BenchRun } from '@/features/compare/server/bench-results'
import { peerRows } from './peers'

const latency = { n: 1, p50Ms: 1, p99Ms: 1, maxMs: 1 }
const fanout = (stack: string, phase: 'fixed' | 'open', deliveriesPerS: number, cpu: number) => ({
  stack,
  subscribers: 1000,
  phase,
  deliveriesPerS,
  latency,
  missing: 0,
  duplicates: 0,
  loadBound: false,
  serverCpu: cpu,
})

function run(nextCpu: number): BenchRun {
  return {
    mode: 'quick',
    startedAt: '2026-12-02T00:00:00Z',
    durationS: 1,
    commit: 'x',
    machine: { cpuModel: 'cpu', cores: 2, memoryBytes: 1, node: 'v20' },
    flood: [],
    fanout: [
      fanout('Next SSE route', 'fixed', 20_000, nextCpu),
      fanout('B3 bare Next route', 'fixed', 20_000, 0.5),
    ],
    idle: [
      { stack: 'Next SSE route', connections: 1000, rssPerConnBytes: 90_000 },
      { stack: 'B3 bare Next route', connections: 1000, rssPerConnBytes: 88_000 },
    ],
    rtt: [],
    goals: [],
  }
}

describe('peerRows', () => {
  it('puts the SSE route beside the bare Next route, and says so when it is at that floor', () => {
    const [row, ...rest] = peerRows(run(0.52))
    expect(rest).toEqual([])
    expect(row?.id).toBe('sse-b3')
    expect(row?.values.cpu).toBeCloseTo(1.04)
    expect(row?.values.memory).toBeCloseTo(1.0227, 3)
    expect(row?.values.n).toBe(1000)
    expect(row?.meaning).toBe('floor')
  })

  it('says the gap is ours when the route costs clearly more than the bare one', () => {
    expect(peerRows(run(0.8))[0]?.meaning).toBe('ours')
  })

  it('shows no peer row for a run without the peers', () => {
    expect(peerRows({ ...run(0.5), idle: [] })).toEqual([])
  })
})
