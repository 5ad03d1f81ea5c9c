import { z } from 'zod'
import { integer, optional } from '../../shared/env.ts'

const MiB = 1024 * 1024

/** Collab's variables; checked with the rest at startup (see `parseEnv`). */
export const CollabEnvSchema = z.object({
  /** Merge a document's stored updates into one after this many new ones. */
  YJS_COMPACT_AFTER: optional(integer(2, 1_000_000)).transform((v) => v ?? 200),
  /** Largest WebSocket frame a client may send (a big paste); larger closes with 1009. */
  YJS_MAX_FRAME_BYTES: optional(integer(1024, 256 * MiB)).transform((v) => v ?? 2 * MiB),
  /** A document may not grow past this (encoded state); the update that would closes with 4413. */
  YJS_MAX_DOC_BYTES: optional(integer(1024, 1024 * MiB)).transform((v) => v ?? 10 * MiB),
  /** A reader with more than this waiting to be sent to it is closed with 4408. */
  YJS_MAX_BUFFERED_BYTES: optional(integer(16_384, 1024 * MiB)).transform((v) => v ?? 8 * MiB),
  /** Largest awareness state (cursor, name, colour) of one client, as JSON; larger is ignored. */
  YJS_AWARENESS_MAX_BYTES: optional(integer(64, 1 * MiB)).transform((v) => v ?? 4096),
  /**
   * Awareness updates per connection and window; the rest are ignored until it refills. Every
   * caret move is one, so a fast typist sends 10–20 a second.
   */
  YJS_AWARENESS_RATE_POINTS: optional(integer(1, 100_000)).transform((v) => v ?? 300),
  YJS_AWARENESS_RATE_SECONDS: optional(integer(1, 86_400)).transform((v) => v ?? 10),
  /** Documents one user may create in all (opening `/yjs/<new name>` or `POST /api/docs`). */
  YJS_DOC_QUOTA: optional(integer(1, 1_000_000)).transform((v) => v ?? 100),
  /** Documents one user may create per window. */
  YJS_CREATE_RATE_POINTS: optional(integer(1, 100_000)).transform((v) => v ?? 10),
  YJS_CREATE_RATE_SECONDS: optional(integer(1, 86_400)).transform((v) => v ?? 60),
})
export type CollabEnv = z.infer<typeof CollabEnvSchema>
