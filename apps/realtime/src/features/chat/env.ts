import { z } from 'zod'
import { integer, optional } from '../../shared/env.ts'

/** Chat's variables; checked with the rest at startup (see `parseEnv`). */
export const ChatEnvSchema = z.object({
  CHAT_MAX_LENGTH: optional(integer(1, 100_000)).transform((v) => v ?? 2000),
  CHAT_RATE_POINTS: optional(integer(1, 10_000)).transform((v) => v ?? 10),
  CHAT_RATE_SECONDS: optional(integer(1, 86_400)).transform((v) => v ?? 10),
  /**
   * How long a dropped Socket.IO connection keeps its rooms and missed messages for recovery. The
   * sessions and packets are held in memory that long, which is why the benchmark shortens it.
   */
  CHAT_RECOVERY_WINDOW_MS: optional(integer(0, 86_400_000)).transform((v) => v ?? 120_000),
})
export type ChatEnv = z.infer<typeof ChatEnvSchema>
