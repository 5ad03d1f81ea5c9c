import { FaultRequestSchema, type FaultSettings } from '@duplex/protocol/faults'
import { readJsonBody } from '../edge.ts'
import { invalid, jsonError } from '../http.ts'
import { faultRegistry } from '../faults/faults.ts'
import { currentSession, unavailableSession } from '../session.ts'

const NO_STORE = { 'Cache-Control': 'no-store' }

/** `GET /api/faults`: whether this server takes faults, so a panel can say so before a click. */
export function GET() {
  const { enabled, stallMs, ratePoints, rateSeconds } = faultRegistry().settings
  return Response.json({ enabled, stallMs, ratePoints, rateSeconds } satisfies FaultSettings, {
    headers: NO_STORE,
  })
}

/**
 * `POST /api/faults` `{ transport: "sse", connectionId, fault }`: injects a fault into one of the
 * caller's own event streams. The session cookie names the caller; a stream is found only among
 * the streams that session opened, so nobody can break someone else's connection.
 */
export async function POST(request: Request) {
  const session = await currentSession()
  if (!session.ok && session.reason === 'unavailable') return unavailableSession(session)
  if (!session.ok) return jsonError(401, 'unauthorized', `Not signed in: ${session.message}`)
  // The edge guard refuses another site (403: a page on another port of this host counts as the
  // same site to SameSite cookies), a non-JSON body (415) and an oversize one (413).
  const body = await readJsonBody(request)
  if (!body.ok) return body.response
  const parsed = FaultRequestSchema.safeParse(body.value)
  if (!parsed.success) return invalid(parsed.error, 'fault')
  if (parsed.data.transport !== 'sse') {
    return jsonError(
      400,
      'unsupported',
      `This server holds event streams only; send "${parsed.data.transport}" faults to the realtime server.`,
    )
  }

  const { connectionId, fault } = parsed.data
  const result = await faultRegistry().inject(session.session.user.id, connectionId, fault)
  if (result.ok) return Response.json(result.accepted, { status: 202, headers: NO_STORE })
  const response = jsonError(result.status, result.code, result.message)
  if (result.retryAfterSeconds !== undefined)
    response.headers.set('Retry-After', String(result.retryAfterSeconds))
  return response
}
