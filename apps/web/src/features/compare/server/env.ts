import { z } from 'zod'
import { parseEnvSchema } from '@/shared/server/env-schema'

/** /compare's own settings; the shared ones (SSE_*…) are in `@/shared/env`. */
const CompareEnvSchema = z.object({
  /** Comparison streams one user may hold open at once (a live run needs one). */
  COMPARE_MAX_STREAMS_PER_USER: z.coerce.number().int().min(1).max(1000).default(3),
  /** Comparison streams of everyone together: the bound on what they cost this process. */
  COMPARE_MAX_STREAMS: z.coerce.number().int().min(1).max(100_000).default(500),
})

export type CompareEnv = z.infer<typeof CompareEnvSchema>

/** Parses `source` (normally `process.env`); exported for tests. */
export function parseCompareEnv(source: Record<string, string | undefined>): CompareEnv {
  return parseEnvSchema(CompareEnvSchema, source)
}

export const compareEnv: CompareEnv = parseCompareEnv(process.env)
