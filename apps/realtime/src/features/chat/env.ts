import { z } from 'zod'
import { integer, optional } from '../../shared/env.ts'

/** Chat's variables; checked with the rest at startup (see `parseEnv`). */
export const ChatEnvSchema = z.object({
  CHAT_MAX_LENGTH: optional(integer(1, 100_000)).transform((v) => v ?? 2000),
  /** `send-message` budget per user, retries of a stored `clientId` included. */
  CHAT_RATE_POINTS: optional(integer(1, 10_000)).transform((v) => v ?? 10),
  CHAT_RATE_SECONDS: optional(integer(1, 86_400)).transform((v) => v ?? 10),
  /** Rooms one user may create (`create-room`, or `join-room` of a new room) per window. */
  CHAT_CREATE_RATE_POINTS: optional(integer(1, 10_000)).transform((v) => v ?? 10),
  CHAT_CREATE_RATE_SECONDS: optional(integer(1, 86_400)).transform((v) => v ?? 60),
  /** Reads per user: `join-room`, `leave-room`, `list-rooms`, `load-history`. */
  CHAT_READ_RATE_POINTS: optional(integer(1, 100_000)).transform((v) => v ?? 60),
  CHAT_READ_RATE_SECONDS: optional(integer(1, 86_400)).transform((v) => v ?? 10),
  /** Other writes per user: `typing`, `mark-read`. */
  CHAT_WRITE_RATE_POINTS: optional(integer(1, 100_000)).transform((v) => v ?? 60),
  CHAT_WRITE_RATE_SECONDS: optional(integer(1, 86_400)).transform((v) => v ?? 10),
  /**
   * Every budget above also holds per client IP, this many times over: signing in again under a
   * new name buys a few more users' worth, not an unbounded number. Behind a proxy every client
   * shares its IP, so raise this (or terminate at the proxy) there.
   */
  CHAT_RATE_IP_FACTOR: optional(integer(1, 10_000)).transform((v) => v ?? 10),
  /** Rooms the server keeps at most; creating one more is refused with `limit_reached`. */
  CHAT_MAX_ROOMS: optional(integer(1, 1_000_000)).transform((v) => v ?? 1000),
  /**
   * How long a dropped Socket.IO connection keeps its rooms and missed messages for recovery. The
   * sessions and packets are held in memory that long, which is why the benchmark shortens it.
   */
  CHAT_RECOVERY_WINDOW_MS: optional(integer(0, 86_400_000)).transform((v) => v ?? 120_000),
  /**
   * Every chat request is answered within this long: one that is still waiting for a store then
   * (PostgreSQL unreachable behind a silent network, say) is acked `unavailable` with a retry hint
   * instead of leaving the client to its own timeout. Below the page's ack timeout (10 s).
   */
  CHAT_REQUEST_TIMEOUT_MS: optional(integer(100, 60_000)).transform((v) => v ?? 2500),
})
export type ChatEnv = z.infer<typeof ChatEnvSchema>
