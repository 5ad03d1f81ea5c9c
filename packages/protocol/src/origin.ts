import { z } from 'zod'

/**
 * `GET <realtime server>/origin`: whether the realtime server accepts pages from the caller's
 * origin. Browsers hide why a WebSocket or a CORS request was refused from the page's scripts
 * (the console alone names the origin), so a page whose connections keep failing asks here,
 * and can tell "refused by `ALLOWED_ORIGINS`" from "not answering". Open to every origin and
 * without credentials: it says nothing about anyone, only about the origin that asks.
 */
export const ORIGIN_CHECK_PATH = '/origin'

/** The realtime server's variable that lists the origins it accepts. */
export const ORIGIN_SETTING = 'ALLOWED_ORIGINS'

export const OriginCheckSchema = z.object({
  /** The `Origin` the browser sent, or null when there was none (not a browser). */
  origin: z.string().nullable(),
  /** Whether sockets and API calls from that origin are accepted. */
  allowed: z.boolean(),
  /** Where to change it: {@link ORIGIN_SETTING}. */
  setting: z.literal(ORIGIN_SETTING),
})
export type OriginCheck = z.infer<typeof OriginCheckSchema>
