import { z } from 'zod'

/** An empty variable counts as unset, so `REDIS_URL= pnpm start` means single-process mode. */
export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema.optional())
}

/**
 * Parses `source` with one env schema (the shared one, or a feature's own), failing with a message
 * that names every bad variable, so a typo fails at start-up instead of surfacing as NaN later.
 */
export function parseEnvSchema<T extends z.ZodType>(
  schema: T,
  source: Record<string, string | undefined>,
): z.infer<T> {
  const result = schema.safeParse(source)
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid environment for apps/web:\n${problems.join('\n')}`)
  }
  return result.data
}
