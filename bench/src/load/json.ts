import autocannon from 'autocannon'
import type { LatencySummary } from '../results.ts'

/**
 * `autocannon` against one GET route for `ms`, from this (load-core) process: completed 2xx
 * requests, everything else counted as errors, and the library's latency percentiles.
 */
export async function jsonLoad(
  url: string,
  connections: number,
  ms: number,
): Promise<{ requests: number; errors: number; ms: number; latency: LatencySummary }> {
  const result = await autocannon({
    url,
    connections,
    duration: Math.max(0.1, ms / 1000),
  })
  return {
    requests: result['2xx'],
    errors: result.errors + result.non2xx,
    ms: result.duration * 1000,
    latency: {
      n: result.requests.total,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      maxMs: result.latency.max,
    },
  }
}
