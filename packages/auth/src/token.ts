import { randomUUID } from 'node:crypto'
import { SESSION_TTL_SECONDS, SessionUserSchema, type SessionUser } from '@duplex/protocol/session'
import { SignJWT, errors, jwtVerify } from 'jose'
import { z } from 'zod'
import { RevocationsUnavailableError, type RevocationStore } from './revocation.ts'

const ISSUER = 'duplex'
const AUDIENCE = 'duplex'
const ALGORITHM = 'HS256'

/** Why a token was refused. */
export const SessionErrorReason = {
  /** No token was sent. */
  missing: 'missing',
  /** The token was genuine but is past its `exp`. */
  expired: 'expired',
  /** The token was genuine but its session was signed out. */
  revoked: 'revoked',
  /** Bad signature, malformed, wrong algorithm or issuer, or claims that are not a user. */
  invalid: 'invalid',
  /**
   * Genuine and unexpired, but whether it was signed out cannot be told right now (the store is
   * down). Not the client's fault: answer "try again" (503), never "sign in again".
   */
  unavailable: 'unavailable',
} as const
export type SessionErrorReason = (typeof SessionErrorReason)[keyof typeof SessionErrorReason]

/** Outcome of {@link verifySessionToken}. `message` is short and safe to show to the client. */
export type VerifySessionResult =
  | { ok: true; user: SessionUser; expiresAt: number; tokenId: string }
  | {
      ok: false
      reason: SessionErrorReason
      message: string
      /** With `unavailable`: when a retry may succeed. */
      retryAfterMs?: number
    }

export interface CreateSessionTokenOptions {
  /** Lifetime of the token. Defaults to {@link SESSION_TTL_SECONDS}. */
  ttlSeconds?: number
  /**
   * The session this token belongs to (its `jti`); new by default. A second token for the same
   * session (a short-lived one for another host) shares it, so one sign-out revokes both.
   */
  tokenId?: string
}

export interface VerifySessionOptions {
  /** Signed-out sessions: a token listed there is refused as `revoked`. */
  revocations?: Pick<RevocationStore, 'isRevoked'>
}

/** A signed token and when it stops being accepted. */
export interface SessionToken {
  token: string
  /** ms since the epoch. */
  expiresAt: number
  /** The token's `jti`: what {@link RevocationStore.revoke} takes. */
  tokenId: string
}

const ClaimsSchema = z.object({
  sub: z.string(),
  name: z.string(),
  exp: z.number(),
  /** Names the session, so signing out can revoke exactly this token. */
  jti: z.string().min(1).max(64),
})

/**
 * Signs a session for `user`: an HS256 JWT whose `sub` is the user id and `name` the display name.
 * Throws when `user` does not pass `SessionUserSchema`, so a bad name never gets signed.
 *
 * @example
 * const { token, expiresAt } = await createSessionToken({ id: randomUUID(), name }, secret, { ttlSeconds: 3600 })
 */
export async function createSessionToken(
  user: SessionUser,
  secret: string,
  options: CreateSessionTokenOptions = {},
): Promise<SessionToken> {
  const valid = SessionUserSchema.parse(user)
  const ttlSeconds = options.ttlSeconds ?? SESSION_TTL_SECONDS
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new Error(`ttlSeconds must be a positive number of seconds, got ${ttlSeconds}`)
  }
  const nowSeconds = Math.floor(Date.now() / 1000)
  const exp = nowSeconds + Math.ceil(ttlSeconds)
  const tokenId = options.tokenId ?? randomUUID()
  const token = await new SignJWT({ name: valid.name })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(valid.id)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setJti(tokenId)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(exp)
    .sign(keyOf(secret))
  return { token, expiresAt: exp * 1000, tokenId }
}

/**
 * Checks a session token and returns its user, or why it was refused. Never throws for a bad
 * token, so callers can map `reason` to their own answer (401, `connect_error`, close code).
 * When the revocation store cannot answer, the reason is `unavailable` with `retryAfterMs` (a 503,
 * not a sign-in prompt); any other failure of the store is a bug and is thrown.
 *
 * @example
 * const result = await verifySessionToken(readSessionCookie(req.headers.cookie), secret)
 * if (!result.ok) return deny(`unauthorized: ${result.message}`)
 */
export async function verifySessionToken(
  token: string | null | undefined,
  secret: string,
  options: VerifySessionOptions = {},
): Promise<VerifySessionResult> {
  if (token === undefined || token === null || token === '') {
    return { ok: false, reason: 'missing', message: 'no session token' }
  }
  let payload: unknown
  try {
    ;({ payload } = await jwtVerify(token, keyOf(secret), {
      // Pinning the algorithm keeps a token signed some other way (or `none`) out.
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp', 'sub', 'jti'],
    }))
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      return { ok: false, reason: 'expired', message: 'token expired' }
    }
    return { ok: false, reason: 'invalid', message: 'invalid token' }
  }
  const claims = ClaimsSchema.safeParse(payload)
  if (!claims.success) return { ok: false, reason: 'invalid', message: 'invalid token' }
  const user = SessionUserSchema.safeParse({ id: claims.data.sub, name: claims.data.name })
  if (!user.success) return { ok: false, reason: 'invalid', message: 'invalid token' }
  // Checked after the signature, so a forged token cannot make us read the store.
  try {
    if (await options.revocations?.isRevoked(claims.data.jti)) {
      return { ok: false, reason: 'revoked', message: 'signed out' }
    }
  } catch (error) {
    if (!(error instanceof RevocationsUnavailableError)) throw error
    return {
      ok: false,
      reason: 'unavailable',
      message: `sessions cannot be checked right now (${error.what} is unavailable); try again shortly`,
      retryAfterMs: error.retryAfterMs,
    }
  }
  return {
    ok: true,
    user: user.data,
    expiresAt: claims.data.exp * 1000,
    tokenId: claims.data.jti,
  }
}

function keyOf(secret: string): Uint8Array {
  if (secret === '') throw new Error('the session secret must not be empty')
  return new TextEncoder().encode(secret)
}
