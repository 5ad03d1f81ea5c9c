import { z } from 'zod'
import {
  ClusterEnvShape,
  DEFAULT_KEY_PREFIX,
  ProxyEnvShape,
  refineClusterEnv,
} from '@duplex/cluster'
import { parseEnvSchema } from './server/env-schema.ts'

/**
 * The server environment every feature shares, parsed once. A feature's own variables (TICKER_*…)
 * live in that feature's `server/env.ts`, so removing a demo removes its settings with it. A typo
 * in a variable fails at start-up with a message naming it instead of surfacing as NaN later.
 */
const EnvSchema = z
  .object({
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
    /**
     * Largest request body any route reads, in bytes (Content-Length, or counted as a chunked body
     * arrives). Every body the app accepts is a small JSON object; more is refused with a 413.
     */
    WEB_MAX_BODY_BYTES: z.coerce.number().int().min(256).max(10_000_000).default(16_384),
    /** Sign-ins (`POST /api/session`) one IP address may make per minute before a 429. */
    SESSION_MINT_PER_MINUTE: z.coerce.number().int().min(1).default(20),
    /**
     * The reverse proxies in front of this app (addresses, CIDRs, `loopback`…): only a request
     * from one of them may name its client in `X-Forwarded-For`, for per-IP limits. Unset trusts
     * none. Read by the same function as the realtime server's (`@duplex/cluster`).
     */
    ...ProxyEnvShape,
    /**
     * Lifetime of the token `GET /api/session` hands to a realtime server on another host name
     * (same host: none is handed out, the cookie does it). Refetched before every reconnect.
     */
    REALTIME_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(600),
    DUPLEX_DATA_DIR: z.string().optional(),
    /**
     * Cluster mode: set BOTH DATABASE_URL and REDIS_URL to run several instances as one app (one
     * market for the cluster; ticks, jobs and stream subscriptions shared through Redis). Unset or
     * empty: one process. The same rules as the realtime server's (`@duplex/cluster`), including
     * REDIS_KEY_PREFIX and SHUTDOWN_TIMEOUT_MS.
     */
    ...ClusterEnvShape,
  })
  .superRefine(refineClusterEnv)

type ParsedEnv = z.infer<typeof EnvSchema>

/** `{ databaseUrl, redisUrl }` in cluster mode, `undefined` in single-process mode. */
export type ClusterEnv = { databaseUrl: string; redisUrl: string } | undefined

export type Env = ParsedEnv & { REDIS_KEY_PREFIX: string; cluster: ClusterEnv }

/** The URLs are set together or not at all (the schema refused half a cluster). */
function clusterOf({ DATABASE_URL, REDIS_URL }: ParsedEnv): ClusterEnv {
  return DATABASE_URL && REDIS_URL ? { databaseUrl: DATABASE_URL, redisUrl: REDIS_URL } : undefined
}

/** Parses `source` (normally `process.env`); exported for tests. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = parseEnvSchema(EnvSchema, source)
  return {
    ...parsed,
    REDIS_KEY_PREFIX: parsed.REDIS_KEY_PREFIX ?? DEFAULT_KEY_PREFIX,
    cluster: clusterOf(parsed),
  }
}

export const env: Env = parseEnv(process.env)
