import { z } from 'zod'
import { parseEnvSchema } from '@/shared/server/env-schema'

/** The ticker's own settings; the shared ones (SSE_*, REDIS_URL…) are in `@/shared/env`. */
const TickerEnvSchema = z.object({
  /** Seed of the simulated market: the same seed gives the same prices, tick for tick. */
  TICKER_SEED: z.coerce
    .number()
    .int()
    .default(() => Date.now() % 2 ** 31),
  /** How often the market moves. */
  TICKER_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** How many ticks the resume buffer keeps for `Last-Event-ID` replays. */
  TICKER_BUFFER_SIZE: z.coerce.number().int().min(100).max(1_000_000).default(20_000),
  /**
   * The most ticks one reconnect gets replayed: a `Last-Event-ID` further behind the head gets a
   * fresh snapshot (`reset: true`) instead, so `lastEventId=0` cannot make the server resend the
   * whole buffer. The default covers a minute and a half of the default market (20 ticks/s).
   */
  TICKER_MAX_REPLAY: z.coerce.number().int().min(1).max(1_000_000).default(2000),
  /**
   * `1` turns on the benchmark routes under `/api/bench/` (bench/ in the repo root). Unset, they
   * answer 404 like any unknown path: never set it on a public server.
   */
  DUPLEX_BENCH: z
    .string()
    .optional()
    .transform((v) => v === '1'),
})

export type TickerEnv = z.infer<typeof TickerEnvSchema>

/** Parses `source` (normally `process.env`); exported for tests. */
export function parseTickerEnv(source: Record<string, string | undefined>): TickerEnv {
  return parseEnvSchema(TickerEnvSchema, source)
}

export const tickerEnv: TickerEnv = parseTickerEnv(process.env)
