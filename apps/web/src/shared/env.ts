import { z } from 'zod'
import { optional, parseEnvSchema } from './server/env-schema.ts'

/**
 * The server environment every feature shares, parsed once. A feature's own variables (TICKER_*…)
 * live in that feature's `server/env.ts`, so removing a demo removes its settings with it. A typo
 * in a variable fails at start-up with a message naming it instead of surfacing as NaN later.
 */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Period of the `: ping` comment on every event stream. */
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  /** The `retry:` hint each stream sends: how long EventSource waits before reconnecting. */
  SSE_RETRY_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** How long a stream may stay unable to drain before it is closed as a slow consumer. */
  SSE_SLOW_CONSUMER_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Port of the realtime server (Socket.IO, Yjs), for pages that build its URL from their own host. */
  REALTIME_PORT: z.coerce.number().int().min(1).max(65_535).default(3001),
  /**
   * Public URL of the realtime server, when it is not `<page host>:REALTIME_PORT`: a full URL, or
   * `same-origin` behind a proxy that serves the realtime server's paths on the page's origin.
   */
  REALTIME_PUBLIC_URL: z.string().optional(),
  SESSION_SECRET: z.string().optional(),
  DUPLEX_DATA_DIR: z.string().optional(),
  /**
   * Cluster mode: set BOTH to run several instances as one app (one market for the cluster;
   * ticks, jobs and stream subscriptions shared through Redis). Unset or empty: one process.
   */
  DATABASE_URL: optional(
    z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a URL like postgres://user@host:5432/duplex'),
  ),
  REDIS_URL: optional(
    z.string().regex(/^rediss?:\/\/\S+$/, 'must be a URL like redis://127.0.0.1:6379'),
  ),
  /**
   * Start of every Redis key and channel, shared with the realtime server (which reads the same
   * variable); the web app's own keys live under `<prefix>web:`. Tests use one prefix per run.
   */
  REDIS_KEY_PREFIX: optional(
    z.string().regex(/^\S{1,64}$/, 'must be 1–64 characters, no spaces'),
  ).transform((v) => v ?? 'duplex:'),
  /** How long a SIGTERM may take before the process exits anyway; a second signal exits at once. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
})

type ParsedEnv = z.infer<typeof EnvSchema>

/** `{ databaseUrl, redisUrl }` in cluster mode, `undefined` in single-process mode. */
export type ClusterEnv = { databaseUrl: string; redisUrl: string } | undefined

export type Env = ParsedEnv & { cluster: ClusterEnv }

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
  const parsed = parseEnvSchema(EnvSchema, source)
  return { ...parsed, cluster: clusterOf(parsed) }
}

export const env: Env = parseEnv(process.env)
