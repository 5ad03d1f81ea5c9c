import { z } from 'zod'

/**
 * Server environment, parsed once. Every module reads configuration from here, so a typo in a
 * variable fails at start-up with a message naming it instead of surfacing as NaN later.
 */
/** An empty variable counts as unset, so `REDIS_URL= pnpm start` means single-process mode. */
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional())

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

/**
 * Cluster mode needs both URLs: half a cluster (Redis without the database the realtime server
 * shares, or the other way round) would start instances that silently disagree.
 */
function clusterOf({ DATABASE_URL, REDIS_URL }: ParsedEnv): ClusterEnv {
  if (DATABASE_URL && REDIS_URL) return { databaseUrl: DATABASE_URL, redisUrl: REDIS_URL }
  if (!DATABASE_URL && !REDIS_URL) return undefined
  const [set, missing] = DATABASE_URL
    ? ['DATABASE_URL', 'REDIS_URL']
    : ['REDIS_URL', 'DATABASE_URL']
  throw new Error(
    `Invalid environment for apps/web:\n  ${missing}: required because ${set} is set. ` +
      'Cluster mode needs both DATABASE_URL and REDIS_URL; unset both for one process.',
  )
}

/** Parses `source` (normally `process.env`); exported for tests. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source)
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid environment for apps/web:\n${problems.join('\n')}`)
  }
  return { ...result.data, cluster: clusterOf(result.data) }
}

export const env: Env = parseEnv(process.env)
