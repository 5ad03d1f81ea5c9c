import { z } from 'zod'

/**
 * Server environment, parsed once. Every module reads configuration from here, so a typo in a
 * variable fails at start-up with a message naming it instead of surfacing as NaN later.
 */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Seed of the simulated market: the same seed gives the same prices, tick for tick. */
  TICKER_SEED: z.coerce
    .number()
    .int()
    .default(() => Date.now() % 2 ** 31),
  /** How often the market moves. */
  TICKER_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** How many ticks the resume buffer keeps for `Last-Event-ID` replays. */
  TICKER_BUFFER_SIZE: z.coerce.number().int().min(100).max(1_000_000).default(20_000),
  /** Period of the `: ping` comment on every event stream. */
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  /** The `retry:` hint each stream sends: how long EventSource waits before reconnecting. */
  SSE_RETRY_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** How long a stream may stay unable to drain before it is closed as a slow consumer. */
  SSE_SLOW_CONSUMER_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Port of the realtime server (Socket.IO, Yjs), for pages that build its URL from their own host. */
  REALTIME_PORT: z.coerce.number().int().min(1).max(65_535).default(3001),
  /** Full public URL of the realtime server, when it is not `<page host>:REALTIME_PORT` (e.g. behind a proxy). */
  REALTIME_PUBLIC_URL: z.string().optional(),
  SESSION_SECRET: z.string().optional(),
  /**
   * `1` turns on the benchmark routes under `/api/bench/` (bench/ in the repo root). Unset, they
   * answer 404 like any unknown path: never set it on a public server.
   */
  DUPLEX_BENCH: z
    .string()
    .optional()
    .transform((v) => v === '1'),
  DUPLEX_DATA_DIR: z.string().optional(),
})

export type Env = z.infer<typeof EnvSchema>

function parseEnv(): Env {
  const result = EnvSchema.safeParse(process.env)
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid environment for apps/web:\n${problems.join('\n')}`)
  }
  return result.data
}

export const env: Env = parseEnv()
