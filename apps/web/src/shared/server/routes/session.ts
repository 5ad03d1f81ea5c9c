import { randomUUID } from 'node:crypto'
import { SESSION_COOKIE, createSessionToken, readSessionCookie } from '@duplex/auth'
import { CreateSessionSchema, type Session } from '@duplex/protocol/session'
import { NextResponse } from 'next/server'
import { invalid, jsonError, readJsonBody } from '../http.ts'
import { lookupSession, sessionCookieOptions, sessionSecret } from '../session.ts'

const NO_STORE = { 'Cache-Control': 'no-store' }

/**
 * `POST /api/session` `{ name }`: signs the visitor in under a display name (no password; this is
 * a demo). Someone already signed in keeps their user id and only changes name.
 */
export async function POST(request: Request) {
  const body = await readJsonBody(request)
  if (!body.ok) return body.response
  const parsed = CreateSessionSchema.safeParse(body.value)
  if (!parsed.success) return invalid(parsed.error, 'sign-in')

  const previous = await lookupSession(readSessionCookie(request.headers.get('cookie')))
  const user = { id: previous.ok ? previous.session.user.id : randomUUID(), name: parsed.data.name }
  const { token, expiresAt } = await createSessionToken(user, await sessionSecret())
  const session: Session = { user, token, expiresAt }

  const response = NextResponse.json(session, { headers: NO_STORE })
  response.cookies.set(SESSION_COOKIE, token, sessionCookieOptions(request))
  return response
}

/** `GET /api/session`: who is signed in, or 401 saying why not (missing, expired, invalid). */
export async function GET(request: Request) {
  const result = await lookupSession(readSessionCookie(request.headers.get('cookie')))
  if (result.ok) return NextResponse.json(result.session, { headers: NO_STORE })
  const response = jsonError(401, 'unauthorized', `Not signed in: ${result.message}`)
  response.headers.set('Cache-Control', 'no-store')
  return response
}

/** `DELETE /api/session`: signs out by expiring the cookie. Signing out twice is fine. */
export async function DELETE(request: Request) {
  const response = new NextResponse(null, { status: 204, headers: NO_STORE })
  response.cookies.set(SESSION_COOKIE, '', sessionCookieOptions(request, 0))
  return response
}
