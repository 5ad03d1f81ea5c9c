import {
  REVOCATIONS_RETRY_AFTER_MS,
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
  createFileRevocationStore,
  loadSessionSecret,
  readSessionCookie,
  resolveDataDir,
  verifySessionToken,
  type RevocationStore,
  type SessionErrorReason,
} from '@duplex/auth'
import { createClusterRevocationStore } from '@duplex/auth/cluster'
import type { SessionUser } from '@duplex/protocol/session'
import { cookies } from 'next/headers'
import { env } from '@/shared/env'
import { jsonError, unavailable } from './http.ts'
import { services } from './services.ts'

/*
 * Server-only: the session cookie of the web app. The realtime server reads the same cookie with
 * the same secret (both load it from the shared data folder), so signing in here is all it takes
 * to be let in there.
 */

let secret: Promise<string> | undefined

/** The secret that signs sessions, loaded once per process (and retried if loading failed). */
export function sessionSecret(): Promise<string> {
  secret ??= loadSessionSecret({
    dataDir: resolveDataDir({ dataDir: env.DUPLEX_DATA_DIR }),
    secret: env.SESSION_SECRET,
  }).catch((error: unknown) => {
    secret = undefined
    throw error
  })
  return secret
}

let revocationStore: RevocationStore | undefined

/**
 * Signed-out sessions, where the realtime server reads them too: the data folder in single mode;
 * in cluster mode PostgreSQL (so a Redis restart forgets none), with Redis as the fast path and
 * the broadcast that closes the session's connections on every realtime instance.
 */
export function revocations(): RevocationStore {
  if (!revocationStore) {
    const { redis, database } = services()
    revocationStore =
      redis && database
        ? createClusterRevocationStore({
            db: database.db,
            redis: redis.command,
            subscriber: redis.subscriber,
            keyPrefix: env.REDIS_KEY_PREFIX,
            log: (message) => console.warn(`[web] [sessions] ${message}`),
          })
        : createFileRevocationStore({ dataDir: resolveDataDir({ dataDir: env.DUPLEX_DATA_DIR }) })
  }
  return revocationStore
}

/** A verified session as the server sees it; the token itself never goes back to page scripts. */
export interface ServerSession {
  user: SessionUser
  expiresAt: number
  tokenId: string
}

export type SessionLookup =
  | { ok: true; session: ServerSession }
  | { ok: false; reason: SessionErrorReason; message: string; retryAfterMs?: number }

/**
 * Verifies a raw token (signature, expiry, not signed out). `unavailable` means it could not be
 * told whether the session was signed out (the store is down): answer with
 * {@link unavailableSession}, not a sign-in prompt.
 */
export async function lookupSession(token: string | undefined): Promise<SessionLookup> {
  const result = await verifySessionToken(token, await sessionSecret(), {
    revocations: revocations(),
  })
  if (!result.ok) {
    return {
      ok: false,
      reason: result.reason,
      message: result.message,
      ...(result.retryAfterMs !== undefined && { retryAfterMs: result.retryAfterMs }),
    }
  }
  return {
    ok: true,
    session: { user: result.user, expiresAt: result.expiresAt, tokenId: result.tokenId },
  }
}

/** The token a request carries: the session cookie, or `?token=` for clients that cannot send one. */
export function requestToken(request: Request): string | undefined {
  const cookie = readSessionCookie(request.headers.get('cookie'))
  if (cookie) return cookie
  const query = new URL(request.url).searchParams.get('token')
  return query === null || query === '' ? undefined : query
}

/** The 503 of a session that could not be checked: the client retries, it does not sign in again. */
export function unavailableSession(lookup: { message: string; retryAfterMs?: number }): Response {
  return unavailable(
    `Your session cannot be checked right now: ${lookup.message}`,
    lookup.retryAfterMs ?? REVOCATIONS_RETRY_AFTER_MS,
  )
}

/**
 * The user behind a request to an owned resource (streams, jobs), or the 401 JSON that the pages
 * turn into the sign-in card (503 `unavailable` when the session could not be checked).
 */
export async function requireUser(
  request: Request,
): Promise<{ ok: true; user: SessionUser } | { ok: false; response: Response }> {
  const lookup = await lookupSession(requestToken(request))
  if (lookup.ok) return { ok: true, user: lookup.session.user }
  if (lookup.reason === 'unavailable') return { ok: false, response: unavailableSession(lookup) }
  const response = jsonError(401, 'unauthorized', `Sign in first: ${lookup.message}`)
  response.headers.set('Cache-Control', 'no-store')
  return { ok: false, response }
}

/** The session of the current request (server components, route handlers), or why there is none. */
export async function currentSession(): Promise<SessionLookup> {
  const store = await cookies()
  return lookupSession(store.get(SESSION_COOKIE)?.value)
}

/**
 * Cookie attributes of the session: httpOnly so page scripts never read it, SameSite=Lax so it
 * rides along to the realtime server on another port of the same host (cookies ignore ports),
 * Secure only over https so the plain-http demo on localhost still works.
 */
export function sessionCookieOptions(request: Request, maxAge = SESSION_TTL_SECONDS) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure: isHttps(request),
    maxAge,
  }
}

function isHttps(request: Request): boolean {
  // Behind a TLS-terminating proxy the request Next sees is plain http; the proxy says otherwise.
  const forwarded = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim()
  if (forwarded) return forwarded === 'https'
  return new URL(request.url).protocol === 'https:'
}
