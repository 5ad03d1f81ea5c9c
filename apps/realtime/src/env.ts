import { describeZodError } from '@duplex/protocol/errors'
import { z } from 'zod'

/** An unset and an empty variable mean the same: use the default. */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema.optional())
}

function integer(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max)
}

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

/** `postgres://user:pass@host:5432/db` (or `postgresql://`). */
const DatabaseUrlSchema = z
  .string()
  .regex(
    /^postgres(ql)?:\/\/\S+$/,
    'must be a PostgreSQL URL like postgres://user@host:5432/duplex',
  )

/** `redis://[:password@]host:6379[/db]` (or `rediss://` for TLS). */
const RedisUrlSchema = z
  .string()
  .regex(/^rediss?:\/\/\S+$/, 'must be a Redis URL like redis://127.0.0.1:6379')

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
  CHAT_MAX_LENGTH: optional(integer(1, 100_000)).transform((v) => v ?? 2000),
  CHAT_RATE_POINTS: optional(integer(1, 10_000)).transform((v) => v ?? 10),
  CHAT_RATE_SECONDS: optional(integer(1, 86_400)).transform((v) => v ?? 10),
  /**
   * How long a dropped Socket.IO connection keeps its rooms and missed messages for recovery. The
   * sessions and packets are held in memory that long, which is why the benchmark shortens it.
   */
  CHAT_RECOVERY_WINDOW_MS: optional(integer(0, 86_400_000)).transform((v) => v ?? 120_000),
  /** Merge a document's stored updates into one after this many new ones. */
  YJS_COMPACT_AFTER: optional(integer(2, 1_000_000)).transform((v) => v ?? 200),
  /** Cluster mode (with `REDIS_URL`): chat history and documents in PostgreSQL instead of SQLite. */
  DATABASE_URL: optional(DatabaseUrlSchema),
  /** Cluster mode (with `DATABASE_URL`): Socket.IO adapter, presence, rate limits and Yjs relay. */
  REDIS_URL: optional(RedisUrlSchema),
  /** PostgreSQL schema for the tables (default `public`); created by the first migration. */
  DATABASE_SCHEMA: optional(
    z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier, e.g. duplex'),
  ),
  /** Prefix of every Redis key and channel (default `duplex:`), so installs can share a Redis. */
  REDIS_KEY_PREFIX: optional(z.string().regex(/^\S{1,64}$/, 'must be 1–64 characters, no spaces')),
  /** Cluster mode: an instance silent this long is dead; its members leave presence (default 10000). */
  CLUSTER_INSTANCE_TIMEOUT_MS: optional(integer(500, 600_000)),
})

const EnvSchema = EnvObjectSchema.superRefine((env, ctx) => {
  // Half a cluster would silently split state (shared database, per-process presence), so refuse it.
  const missing =
    env.DATABASE_URL !== undefined && env.REDIS_URL === undefined
      ? 'REDIS_URL'
      : env.REDIS_URL !== undefined && env.DATABASE_URL === undefined
        ? 'DATABASE_URL'
        : undefined
  if (missing === undefined) return
  ctx.addIssue({
    code: 'custom',
    path: [missing],
    message:
      'cluster mode needs both DATABASE_URL (PostgreSQL) and REDIS_URL; ' +
      `set ${missing} too, or unset both for embedded mode (SQLite, one process)`,
  })
})
export type Env = z.infer<typeof EnvSchema>

/**
 * Reads the realtime server's configuration from `source` (normally `process.env`), once, at
 * startup. Throws one error listing every bad variable, so a typo fails fast instead of falling
 * back to a default.
 *
 * @example
 * const env = parseEnv(process.env)
 */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source)
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
export function parseMigrateEnv(source: Record<string, string | undefined>): MigrateEnv {
  const result = MigrateEnvSchema.safeParse(source)
  if (!result.success) throw new Error(`invalid environment: ${describeZodError(result.error)}`)
  return result.data
}
