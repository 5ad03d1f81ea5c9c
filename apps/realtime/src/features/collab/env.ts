import { z } from 'zod'
import { integer, optional } from '../../shared/env.ts'

/** Collab's variables; checked with the rest at startup (see `parseEnv`). */
export const CollabEnvSchema = z.object({
  /** Merge a document's stored updates into one after this many new ones. */
  YJS_COMPACT_AFTER: optional(integer(2, 1_000_000)).transform((v) => v ?? 200),
})
export type CollabEnv = z.infer<typeof CollabEnvSchema>
