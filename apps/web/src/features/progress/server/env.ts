import { z } from 'zod'
import { parseEnvSchema } from '@/shared/server/env-schema'

/** Job progress's own settings; the shared ones (SSE_*, REDIS_URL…) are in `@/shared/env`. */
const ProgressEnvSchema = z.object({
  /** Jobs one user may have running at once; the next `POST /api/jobs` gets a 429. */
  JOBS_MAX_RUNNING_PER_USER: z.coerce.number().int().min(1).max(10_000).default(5),
  /** Jobs running at once on the whole app (the cluster, in cluster mode). */
  JOBS_MAX_RUNNING_TOTAL: z.coerce.number().int().min(1).max(1_000_000).default(500),
})

export type ProgressEnv = z.infer<typeof ProgressEnvSchema>

/** Parses `source` (normally `process.env`); exported for tests. */
export function parseProgressEnv(source: Record<string, string | undefined>): ProgressEnv {
  return parseEnvSchema(ProgressEnvSchema, source)
}

export const progressEnv: ProgressEnv = parseProgressEnv(process.env)
