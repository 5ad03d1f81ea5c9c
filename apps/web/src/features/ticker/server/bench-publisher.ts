import { SymbolSchema } from '@duplex/protocol/ticker'
import { z } from 'zod'
import type { TickerHub } from './ticker-hub.ts'

/** Body of `POST /api/bench/ticker` (only with `DUPLEX_BENCH=1`). */
export const BenchPublishSchema = z
  .object({
    symbol: SymbolSchema,
    count: z.number().int().min(1).max(100_000),
    /**
     * `seq` of the first tick; the rest count up from it. The benchmark picks numbers far above
     * the market's own per-symbol counts, so its readers can tell its ticks from the market's.
     */
    firstSeq: z.number().int().positive(),
    /**
     * Wait until every stream has drained before each tick, instead of letting the hub coalesce
     * for readers that are behind: "as fast as the reader takes them" without losing any.
     */
    paced: z.boolean().default(false),
  })
  .strict()
export type BenchPublish = z.input<typeof BenchPublishSchema>

/** The server clock every benchmark payload carries (one clock for the whole host). */
const now = () => performance.timeOrigin + performance.now()

/**
 * Publishes `count` ticks through the hub's own `publish`, the same code the market's timer runs,
 * each stamped with the server time at which it was handed to the streams.
 */
export async function publishBenchTicks(
  hub: TickerHub,
  request: z.output<typeof BenchPublishSchema>,
): Promise<{ published: number; ms: number }> {
  const started = now()
  for (let i = 0; i < request.count; i++) {
    if (request.paced) await hub.drained()
    hub.publish([
      { symbol: request.symbol, price: 100, change: 0, ts: now(), seq: request.firstSeq + i },
    ])
  }
  return { published: request.count, ms: now() - started }
}
