import { randomUUID } from 'node:crypto'
import {
  SESSION_COOKIE,
  RevocationsUnavailableError,
  createSessionToken,
  readSessionCookie,
} from '@duplex/auth'
import { CreateSessionSchema, type Session, type SessionUser } from '@duplex/protocol/session'
import { NextResponse } from 'next/server'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import { env } from '@/shared/env'
import { readJsonBody, refuseCrossSite } from '../edge.ts'
import { invalid, jsonError, unavailable } from '../http.ts'
import { clientIp, tooMany } from '../limits.ts'
import { services } from '../services.ts'
import {
  lookupSession,
  revocations,
  sessionCookieOptions,
  sessionSecret,
  unavailableSession,
} from '../session.ts'

const NO_STORE = { 'Cache-Control': 'no-store' }

let minting: RateLimiterMemory | RateLimiterRedis | undefined

/** Sign-ins per IP address and minute: memory in one process, Redis across a cluster. */
function mintLimiter() {
  if (!minting) {
    const { redis } = services()
    const options = { points: env.SESSION_MINT_PER_MINUTE, duration: 60, keyPrefix: 'session-mint' }
    minting = redis
      ? new RateLimiterRedis({
          ...options,
          storeClient: redis.command,
          keyPrefix: redis.key('limit', 'session-mint'),
          // A Redis outage must not lock everyone out of signing in: fall back to this process.
          insuranceLimiter: new RateLimiterMemory(options),
        })
      : new RateLimiterMemory(options)
  }
  return minting
}

const hasRetryTime = (value: unknown): value is RateLimiterRes =>
  typeof (value as RateLimiterRes | null)?.msBeforeNext === 'number'

/**
 * The host name of the realtime server when it differs from the one this request addressed, so
 * the browser will not send the cookie there; `undefined` when the cookie reaches it by itself.
 */
function crossHostRealtime(request: Request): string | undefined {
  const url = env.REALTIME_PUBLIC_URL
  if (!url || url === 'same-origin' || url.startsWith('/')) return undefined
  let realtimeHost: string
  try {
    realtimeHost = new URL(url).hostname
  } catch {
    return undefined
  }
  const addressed = request.headers.get('x-forwarded-host') ?? request.headers.get('host') ?? ''
  const pageHost = new URL(`http://${addressed.split(',')[0]?.trim() || 'localhost'}`).hostname
  return realtimeHost === pageHost ? undefined : realtimeHost
}

/** The answer of the session routes: the user, and a short-lived token only for another host. */
async function sessionAnswer(
  request: Request,
  user: SessionUser,
  expiresAt: number,
  tokenId: string,
): Promise<Session> {
  if (!crossHostRealtime(request)) return { user, expiresAt }
  const short = await createSessionToken(user, await sessionSecret(), {
    ttlSeconds: env.REALTIME_TOKEN_TTL_SECONDS,
    tokenId,
  })
  return { user, expiresAt, token: short.token }
}

/**
 * `POST /api/session` `{ name }`: signs the visitor in under a display name (no password; this is
 * a demo). Someone already signed in keeps their user id and only changes name.
 */
export async function POST(request: Request) {
  const body = await readJsonBody(request)
  if (!body.ok) return body.response
  const parsed = CreateSessionSchema.safeParse(body.value)
  if (!parsed.success) return invalid(parsed.error, 'sign-in')

  try {
    await mintLimiter().consume(clientIp(request))
  } catch (refusal) {
    // The limiter rejects with its result when the budget is spent, with an Error when it failed.
    if (!(refusal instanceof RateLimiterRes) && !hasRetryTime(refusal)) throw refusal
    return tooMany(
      `Too many sign-ins from this address: at most ${env.SESSION_MINT_PER_MINUTE} a minute.`,
      refusal.msBeforeNext,
    )
  }

  const previous = await lookupSession(readSessionCookie(request.headers.get('cookie')))
  // Whether the old session may be kept (its user id) cannot be told: no new token either.
  if (!previous.ok && previous.reason === 'unavailable') return unavailableSession(previous)
  const user = { id: previous.ok ? previous.session.user.id : randomUUID(), name: parsed.data.name }
  // A rename is a new token; the old one is signed out so only one of them stays usable.
  if (previous.ok) {
    const refused = await signOut(previous.session.tokenId, previous.session.expiresAt)
    if (refused) return refused
  }
  const { token, expiresAt, tokenId } = await createSessionToken(user, await sessionSecret())

  const response = NextResponse.json(await sessionAnswer(request, user, expiresAt, tokenId), {
    headers: NO_STORE,
  })
  response.cookies.set(SESSION_COOKIE, token, sessionCookieOptions(request))
  return response
}

/**
 * Revokes a session; answers the 503 to send instead when the sign-out could not be stored (the
 * database is down): nothing was signed out then, and the client must not be told otherwise.
 */
async function signOut(tokenId: string, expiresAt: number): Promise<Response | undefined> {
  try {
    await revocations().revoke(tokenId, expiresAt)
    return undefined
  } catch (error) {
    if (!(error instanceof RevocationsUnavailableError)) throw error
    return unavailable(
      `Could not sign out: ${error.what} is unavailable, so the sign-out could not be stored. ` +
        'You are still signed in; try again in a moment.',
      error.retryAfterMs,
    )
  }
}

/**
 * `GET /api/session`: who is signed in, or 401 saying why not (missing, expired, signed out…), or
 * 503 `unavailable` when that cannot be told right now (try again, do not sign in again).
 */
export async function GET(request: Request) {
  const result = await lookupSession(readSessionCookie(request.headers.get('cookie')))
  if (!result.ok && result.reason === 'unavailable') return unavailableSession(result)
  if (result.ok) {
    const { user, expiresAt, tokenId } = result.session
    return NextResponse.json(await sessionAnswer(request, user, expiresAt, tokenId), {
      headers: NO_STORE,
    })
  }
  const response = jsonError(401, 'unauthorized', `Not signed in: ${result.message}`)
  response.headers.set('Cache-Control', 'no-store')
  return response
}

/**
 * `DELETE /api/session`: signs out. The token is revoked (the web app and the realtime server
 * refuse it from now on, wherever it was copied to, and the realtime server closes its open
 * connections on every instance) and the cookie expired. Twice is fine.
 *
 * When the sign-out cannot be stored (the database is down): 503 `unavailable` with
 * `Retry-After`, and the cookie is left alone. Clearing it would look like a sign-out while the
 * token, copied anywhere, stayed good.
 */
export async function DELETE(request: Request) {
  const crossSite = refuseCrossSite(request)
  if (crossSite) return crossSite
  const current = await lookupSession(readSessionCookie(request.headers.get('cookie')))
  if (!current.ok && current.reason === 'unavailable') return unavailableSession(current)
  if (current.ok) {
    const refused = await signOut(current.session.tokenId, current.session.expiresAt)
    if (refused) return refused
  }
  const response = new NextResponse(null, { status: 204, headers: NO_STORE })
  response.cookies.set(SESSION_COOKIE, '', sessionCookieOptions(request, 0))
  return response
}
