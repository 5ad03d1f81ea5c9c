import { ClusterEnvShape, ProxyEnvShape, refineClusterEnv } from '@duplex/cluster'
import { describeZodError } from '@duplex/protocol/errors'
import { z } from 'zod'
import { DEFAULT_WEB_PORT } from './origins.ts'

/** An unset and an empty variable mean the same: use the default. */
export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema.optional())
}

/** A whole number from an environment string, within bounds. */
export function integer(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max)
}

/** `FAULTS_*`: on by default (this is a demo); `FAULTS_ENABLED=false` for a public deployment. */
export const FaultsEnvShape = {
  /** `true`/`false` (or `1`/`0`, `yes`/`no`): whether `POST /api/faults` applies faults. */
  FAULTS_ENABLED: optional(z.stringbool()).transform((v) => v ?? true),
  /** How long "stall it" holds a connection's writes back. */
  FAULTS_STALL_MS: optional(integer(100, 60_000)).transform((v) => v ?? 10_000),
  /** Faults one session may inject per window… */
  FAULTS_RATE_POINTS: optional(integer(1, 1000)).transform((v) => v ?? 10),
  /** …of this many seconds. */
  FAULTS_RATE_SECONDS: optional(integer(1, 3600)).transform((v) => v ?? 60),
}
/** Where the variables come from: `process.env`, or a plain object in tests. */
export type EnvSource = Record<string, string | undefined>

/**
 * `ALLOWED_ORIGINS`: comma-separated origins (`https://duplex.example,http://localhost:3000`), or
 * `*` for any. Each entry is normalised to `scheme://host[:port]` so a trailing slash cannot cause
 * a mismatch.
 */
const OriginsSchema = z.string().transform((raw, ctx) => {
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
  if (entries.includes('*')) return '*' as const
  const origins: string[] = []
  for (const entry of entries) {
    try {
      origins.push(new URL(entry).origin)
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `"${entry}" is not an origin like http://localhost:3000`,
      })
      return z.NEVER
    }
  }
  return origins
})

/**
 * The variables of the server itself. Each feature parses its own (`CHAT_*`, `YJS_*`) with the
 * schema in its `env.ts`; {@link parseEnv} checks them all at once.
 */
const EnvObjectSchema = z.object({
  NODE_ENV: optional(z.enum(['development', 'production', 'test'])).transform(
    (v) => v ?? 'development',
  ),
  /** Interface to bind; all of them when unset. */
  REALTIME_HOST: optional(z.string()),
  REALTIME_PORT: optional(integer(0, 65535)).transform((v) => v ?? 3001),
  /** Resolved by `resolveDataDir` from @duplex/auth (default: `data/` at the repo root). */
  DUPLEX_DATA_DIR: optional(z.string()),
  /** When unset, a secret is generated once in the data folder and shared with the web app. */
  SESSION_SECRET: optional(z.string()),
  ALLOWED_ORIGINS: optional(OriginsSchema),
  /**
   * The web app's port: `pnpm start` and `pnpm dev` hand `PORT` to both apps. With
   * `ALLOWED_ORIGINS` unset, pages on this port of localhost, 127.0.0.1 and [::1] may connect.
   */
  PORT: optional(integer(0, 65535)).transform((v) => v ?? DEFAULT_WEB_PORT),
  /** Proxies whose `X-Forwarded-For` names the client for per-IP limits; none when unset. */
  ...ProxyEnvShape,
  /**
   * `DATABASE_URL` (PostgreSQL instead of SQLite), `REDIS_URL` (Socket.IO adapter, presence,
   * rate limits, Yjs relay), `DATABASE_SCHEMA`, `REDIS_KEY_PREFIX` and `SHUTDOWN_TIMEOUT_MS`,
   * shared with the web app (see @duplex/cluster).
   */
  ...ClusterEnvShape,
  /**
   * A Socket.IO client with more than this many bytes waiting to be sent to it (it stopped
   * reading) is disconnected with `disconnect-reason` `slow_consumer`. Default 4 MiB.
   */
  SOCKETIO_MAX_BUFFERED_BYTES: optional(integer(16_384, 1_073_741_824)).transform(
    (v) => v ?? 4 * 1024 * 1024,
  ),
  /**
   * `/metrics` answers a request with `Authorization: Bearer <METRICS_TOKEN>` from anywhere.
   * Without one (the default) it answers only direct loopback requests (no `X-Forwarded-For`,
   * so a reverse proxy on the same host does not expose it), and 403 to the rest.
   */
  METRICS_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
  /** "Break it" panels: FAULTS_ENABLED, FAULTS_STALL_MS, FAULTS_RATE_POINTS, FAULTS_RATE_SECONDS. */
  ...FaultsEnvShape,
  /** Cluster mode: an instance silent this long is dead; its members leave presence (default 10000). */
  CLUSTER_INSTANCE_TIMEOUT_MS: optional(integer(500, 600_000)),
})

const EnvSchema = EnvObjectSchema.superRefine(refineClusterEnv)
export type Env = z.infer<typeof EnvSchema>

/** Anything with its own environment schema: the features (see `RealtimeFeature.env`). */
export interface EnvConsumer {
  readonly name: string
  readonly env?: z.ZodType | undefined
}

/**
 * Reads the realtime server's configuration from `source` (normally `process.env`), once, at
 * startup, and checks every feature's variables with it. Throws one error listing every bad
 * variable, the features' included, so a typo fails fast instead of falling back to a default.
 *
 * @example
 * const env = parseEnv(process.env, features)
 */
export function parseEnv(source: EnvSource, features: readonly EnvConsumer[] = []): Env {
  const result = EnvSchema.safeParse(source)
  const problems = result.success ? [] : [describeZodError(result.error)]
  for (const feature of features) {
    const parsed = feature.env?.safeParse(source)
    if (parsed && !parsed.success) problems.push(describeZodError(parsed.error))
  }
  if (!result.success || problems.length > 0) {
    throw new Error(`invalid environment: ${problems.join('; ')}`)
  }
  return result.data
}

/**
 * One feature's variables (its `env` schema) from `source`, with the same error as
 * {@link parseEnv}.
 */
export function parseFeatureEnv<Config>(schema: z.ZodType<Config>, source: EnvSource): Config {
  const result = schema.safeParse(source)
  if (!result.success) throw new Error(`invalid environment: ${describeZodError(result.error)}`)
  return result.data
}

const MigrateEnvSchema = EnvObjectSchema.pick({
  DATABASE_URL: true,
  DATABASE_SCHEMA: true,
  DUPLEX_DATA_DIR: true,
})
export type MigrateEnv = z.infer<typeof MigrateEnvSchema>

/**
 * What `pnpm db:migrate` needs: the database only (PostgreSQL with `DATABASE_URL`, else the
 * SQLite file in the data folder). Redis plays no part in migrating.
 */
export function parseMigrateEnv(source: EnvSource): MigrateEnv {
  const result = MigrateEnvSchema.safeParse(source)
  if (!result.success) throw new Error(`invalid environment: ${describeZodError(result.error)}`)
  return result.data
}
