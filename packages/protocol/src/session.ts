import { z } from 'zod'

/** Name of the cookie that carries the session token, for the web app and the realtime server alike. */
export const SESSION_COOKIE = 'duplex_session'

/** How long a session lasts unless the issuer says otherwise: 7 days. */
export const SESSION_TTL_SECONDS = 7 * 24 * 60 * 60

/** Longest display name, counted in characters (code points), not UTF-16 units. */
export const USER_NAME_MAX_LENGTH = 40

/** A user id is opaque to everyone but its issuer: any short, non-empty string. */
export const UserIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
export type UserId = z.infer<typeof UserIdSchema>

/**
 * A display name: trimmed, 1–40 characters, no control characters (a newline or an ESC in a name
 * would let one user draw over another's line in every chat window).
 *
 * @example
 * UserNameSchema.parse('  Ada ') // 'Ada'
 */
export const UserNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .refine((name) => [...name].length <= USER_NAME_MAX_LENGTH, {
    message: `must be at most ${USER_NAME_MAX_LENGTH} characters`,
  })
  .refine((name) => !/\p{Cc}/u.test(name), { message: 'must not contain control characters' })
export type UserName = z.infer<typeof UserNameSchema>

/** Who a session belongs to. The token carries exactly this. */
export const SessionUserSchema = z.object({
  id: UserIdSchema,
  name: UserNameSchema,
})
export type SessionUser = z.infer<typeof SessionUserSchema>

/** Body of `POST /api/session`: pick a display name, get a session. */
export const CreateSessionSchema = z
  .object({
    name: UserNameSchema,
  })
  .strict()
export type CreateSession = z.infer<typeof CreateSessionSchema>

/**
 * Answer of `POST /api/session` and `GET /api/session`. There is no `token` when the realtime
 * server is on the page's host name: the httpOnly cookie reaches it by itself (cookies ignore the
 * port), and a token in JSON would hand the session to any script on the page. Only a realtime
 * server on another host name gets one: short-lived, for that server (Socket.IO `auth: { token }`,
 * the Yjs endpoint `?token=`), fetched again before each reconnect. Scripts that cannot keep
 * cookies read the token from the `Set-Cookie` header of the sign-in.
 */
export const SessionSchema = z.object({
  user: SessionUserSchema,
  token: z.string().min(1).optional(),
  /** ms since the epoch. */
  expiresAt: z.number(),
})
export type Session = z.infer<typeof SessionSchema>
