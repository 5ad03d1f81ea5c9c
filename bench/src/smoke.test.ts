import { describe, expect, it } from 'vitest'
import { groupAlive, runningGroups } from './lib/proc.ts'
import { PROFILES } from './profiles.ts'
import { runBench } from './run.ts'
import { missingBuilds } from './servers/start.ts'

const builds = missingBuilds()

/**
 * Runs every scenario at a tiny N against the production builds: each delivery counted, none
 * lost or doubled, and nothing the harness started still running afterwards. No timing is
 * asserted: CI machines vary.
 */
describe.skipIf(builds.length > 0)('pnpm bench (smoke, tiny N)', () => {
  it('runs every scenario, counts every delivery, and leaves no process behind', async () => {
    const started: number[] = []
    const result = await runBench({
      profile: PROFILES.smoke,
      log: () => started.push(...runningGroups().map((g) => g.pid)),
    })

    expect(result.flood.map((r) => r.stack)).toEqual([
      'Next SSE route', // demo:ticker
      'B2 raw SSE',
      'Socket.IO',
      'B1 raw ws',
    ])
    const stacks = new Set(result.fanout.map((r) => `${r.stack}/${r.phase}`))
    // Fan-out stacks, each with a fixed-rate and an open-ended row.
    const fanoutStacks = [
      4, // B2 raw SSE, B3 bare Next route, better-sse, B1 raw ws
      1, // Next SSE route  demo:ticker
      1, // Socket.IO room  demo:chat
      2, // B1 raw ws (Yjs-sized binary), Yjs relay  demo:editor
    ]
    expect(stacks.size).toBe(fanoutStacks.reduce((a, b) => a + b, 0) * 2)
    expect(result.idle.map((r) => r.stack)).toEqual([
      'B2 raw SSE',
      'Next SSE route', // demo:ticker
      'B3 bare Next route',
      'better-sse',
      'B1 raw ws',
      'Socket.IO, library alone',
      'Socket.IO chat server', // demo:chat
    ])
    expect(result.rtt.map((r) => r.stack)).toEqual([
      'Socket.IO chat', // demo:chat
      'Socket.IO library alone',
      'B1 raw ws echo',
    ])
    expect(result.json?.map((r) => r.stack)).toEqual([
      'Duplex web, GET /api/health', // demo:ticker
      'Duplex web, the ticker symbols list', // demo:ticker
      'B3 bare Next route',
    ])
    for (const row of result.json ?? []) {
      expect({ row: row.stack, errors: row.errors }).toEqual({ row: row.stack, errors: 0 })
      expect(row.requests).toBeGreaterThan(0)
    }
    expect(result.yjs?.trace.converged).toBe(true) // demo:editor
    expect(result.yjs?.reload.complete).toBe(true) // demo:editor

    for (const row of [...result.flood, ...result.fanout, ...result.rtt]) {
      expect({ row: row.stack, delivered: row.delivered }).toEqual({
        row: row.stack,
        delivered: row.expected,
      })
      expect(row.expected).toBeGreaterThan(0)
      expect(row.missing).toBe(0)
      expect(row.duplicates).toBe(0)
    }
    expect(result.yjs?.latency.missing).toBe(0) // demo:editor
    expect(result.yjs?.latency.duplicates).toBe(0) // demo:editor
    // demo:editor:start
    // Every trace (synthetic and a prefix of the published one) × observer count × Yjs server,
    // each with every observer's text exactly the writer's and no connection dropped.
    const replay = result.yjs?.replay ?? []
    const replayed = new Set(replay.map((r) => `${r.trace}/${r.observers}/${r.server}`))
    expect(replayed.size).toBe(2 * PROFILES.smoke.replayObservers.length * 3)
    for (const r of replay) {
      expect({
        replay: `${r.trace}/${r.observers}/${r.server}`,
        exact: r.exact,
        dropped: r.dropped,
      }).toEqual({ replay: `${r.trace}/${r.observers}/${r.server}`, exact: true, dropped: 0 })
      expect(r.textLength).toBeGreaterThan(0)
    }
    expect(replay.filter((r) => r.trace === 'seph-blog1')[0]?.txns).toBe(PROFILES.smoke.replayTxns)
    expect(result.yjs?.replayReload?.complete).toBe(true)
    // demo:editor:end
    for (const idle of result.idle) expect(idle.connections).toBe(PROFILES.smoke.idle)
    for (const c of result.cleanup) expect(c.zeroMs).not.toBeNull()
    expect(result.goals.length).toBeGreaterThan(0)

    // Every process group the harness started (servers and load workers) is gone.
    expect(runningGroups()).toEqual([])
    expect(started.length).toBeGreaterThan(0)
    for (const pid of new Set(started)) expect(groupAlive(pid)).toBe(false)
    // Eight servers and every trace replay on two shared cores: more than the default timeout.
  }, 300_000)
})
