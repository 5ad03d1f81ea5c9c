import {
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
  loadSessionSecret,
  resolveDataDir,
  verifySessionToken,
  type SessionErrorReason,
} from '@duplex/auth'
import type { Session } from '@duplex/protocol/session'
import { cookies } from 'next/headers'
import { env } from '@/shared/env'

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

export type SessionLookup =
  { ok: true; session: Session } | { ok: false; reason: SessionErrorReason; message: string }

/** Verifies a raw token and shapes the answer of `GET /api/session`. */
export async function lookupSession(token: string | undefined): Promise<SessionLookup> {
  const result = await verifySessionToken(token, await sessionSecret())
  if (!result.ok) return { ok: false, reason: result.reason, message: result.message }
  // `token` is safe to return: the caller already holds it in its cookie.
  return {
    ok: true,
    session: { user: result.user, token: token ?? '', expiresAt: result.expiresAt },
  }
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
