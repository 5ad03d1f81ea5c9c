import { BENCH_SYMBOL } from '../../lib/payload.ts'
import type { ConnSpec } from '../../load/messages.ts'
import { postJson, TICK_BYTES, type Publisher } from '../../load/publishers.ts'

/** The ticker's Next route handler, following the bench symbol. */
export const nextStreamUrl = (base: string) => `${base}/api/ticker/stream?symbols=${BENCH_SYMBOL}`

/** Where the bench hands ticks to the ticker hub (on with `DUPLEX_BENCH=1`). */
export const nextBenchUrl = (base: string) => `${base}/api/bench/ticker`

/**
 * A ticker stream needs a session, as for any visitor: the worker signs its reader in with the
 * run's session secret (`sse-duplex`, in ./tasks.ts) and sends the token as `?token=`.
 */
export interface DuplexSseSpec extends ConnSpec {
  kind: 'sse-duplex'
  secret: string
}

export const nextSpec = (base: string, secret: string): DuplexSseSpec => ({
  kind: 'sse-duplex',
  url: nextStreamUrl(base),
  secret,
})

/** Next's ticker route: `POST /api/bench/ticker` → the hub's own `publish`. */
export function nextPublisher(url: string): Publisher {
  return {
    publish: (firstSeq, count) =>
      postJson(nextBenchUrl(url), { symbol: BENCH_SYMBOL, count, firstSeq }),
    payloadBytes: TICK_BYTES,
    maxBatch: 100,
    close: async () => {},
  }
}
