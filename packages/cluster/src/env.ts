import { z } from 'zod'
import type { ClusterMode } from './mode.ts'

/** Start of every Redis key and channel when `REDIS_KEY_PREFIX` is unset. */
export const DEFAULT_KEY_PREFIX = 'duplex:'

/** How long a stop may take before the process exits anyway, when `SHUTDOWN_TIMEOUT_MS` is unset. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000

/** An unset and an empty variable mean the same: `REDIS_URL= pnpm start` is single mode. */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema.optional())
}

/** `postgres://user:pass@host:5432/db` (or `postgresql://`). */
export const DatabaseUrlSchema = z
  .string()
  .regex(
    /^postgres(ql)?:\/\/\S+$/,
    'must be a PostgreSQL URL like postgres://user@host:5432/duplex',
  )

/** `redis://[:password@]host:6379[/db]` (or `rediss://` for TLS). */
export const RedisUrlSchema = z
  .string()
  .regex(/^rediss?:\/\/\S+$/, 'must be a Redis URL like redis://127.0.0.1:6379')

/**
 * The cluster part of an app's environment, to spread into its own `z.object({ ... })` and check
 * with {@link refineClusterEnv}. `REDIS_KEY_PREFIX` stays undefined when unset (the default is
 * {@link DEFAULT_KEY_PREFIX}), so an app can tell "not configured" from "configured as the default".
 *
 * @example
 * const EnvSchema = z.object({ PORT: z.coerce.number(), ...ClusterEnvShape }).superRefine(refineClusterEnv)
 */
export const ClusterEnvShape = {
  /** Cluster mode (with `REDIS_URL`): PostgreSQL shared by every instance. */
  DATABASE_URL: optional(DatabaseUrlSchema),
  /** Cluster mode (with `DATABASE_URL`): what the instances share through Redis. */
  REDIS_URL: optional(RedisUrlSchema),
  /** PostgreSQL schema for the tables (default `public`); created by the first migration. */
  DATABASE_SCHEMA: optional(
    z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier, e.g. duplex'),
  ),
  /** Prefix of every Redis key and channel (default `duplex:`), so installs can share a Redis. */
  REDIS_KEY_PREFIX: optional(z.string().regex(/^\S{1,64}$/, 'must be 1–64 characters, no spaces')),
  /** How long a SIGTERM may take before the process exits anyway; a second signal exits at once. */
  SHUTDOWN_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(120_000)).transform(
    (v) => v ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
  ),
}

/** What {@link refineClusterEnv} looks at. */
export interface ClusterUrls {
  DATABASE_URL?: string | undefined
  REDIS_URL?: string | undefined
}

/**
 * Refuses half a cluster: one URL without the other would start instances that silently split
 * their state (a shared database with per-process presence, or the other way round).
 */
export function refineClusterEnv(env: ClusterUrls, ctx: z.RefinementCtx): void {
  const missing =
    env.DATABASE_URL !== undefined && env.REDIS_URL === undefined
      ? 'REDIS_URL'
      : env.REDIS_URL !== undefined && env.DATABASE_URL === undefined
        ? 'DATABASE_URL'
        : undefined
  if (missing === undefined) return
  const set = missing === 'REDIS_URL' ? 'DATABASE_URL' : 'REDIS_URL'
  ctx.addIssue({
    code: 'custom',
    path: [missing],
    message:
      'cluster mode needs both DATABASE_URL (PostgreSQL) and REDIS_URL; ' +
      `set ${missing} too, or unset both for single mode (one process)`,
  })
  // Said on its own too: the line a reader scanning for the variable they did set looks for.
  ctx.addIssue({ code: 'custom', path: [missing], message: `required because ${set} is set` })
}

/** `cluster` when both URLs are set (after {@link refineClusterEnv} accepted them), else `single`. */
export function clusterModeOf(env: ClusterUrls): ClusterMode {
  return env.DATABASE_URL !== undefined && env.REDIS_URL !== undefined ? 'cluster' : 'single'
}
