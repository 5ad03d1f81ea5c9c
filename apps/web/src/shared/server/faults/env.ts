import { z } from 'zod'
import { parseEnvSchema } from '../env-schema.ts'

/**
 * The "Break it" panels' settings. On by default because Duplex is a demo; a deployment that
 * should not let visitors cut their own streams sets `FAULTS_ENABLED=false` (the panels then say
 * so and the route answers 403).
 */
export const FaultsEnvSchema = z.object({
  /** `true`/`false` (or `1`/`0`, `yes`/`no`): whether `POST /api/faults` applies faults. */
  FAULTS_ENABLED: z.stringbool().default(true),
  /** How long "stall it" holds a stream's writes back. */
  FAULTS_STALL_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Faults one session may inject per window… */
  FAULTS_RATE_POINTS: z.coerce.number().int().min(1).max(1000).default(10),
  /** …of this many seconds. */
  FAULTS_RATE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
})
export type FaultsEnv = z.infer<typeof FaultsEnvSchema>

/** Parses `source` (normally `process.env`); exported for tests. */
export function parseFaultsEnv(source: Record<string, string | undefined>): FaultsEnv {
  return parseEnvSchema(FaultsEnvSchema, source)
}

export const faultsEnv: FaultsEnv = parseFaultsEnv(process.env)
