import { FaultRequestSchema, type FaultSettings } from '@duplex/protocol/faults'
import { invalid, jsonError, readJsonBody } from '../http.ts'
import { faultRegistry } from '../faults/faults.ts'
import { currentSession } from '../session.ts'

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
  // Same origin only, and JSON only: a page elsewhere (another port of the same host counts as the
  // same site, so SameSite cookies alone do not stop it) cannot break a visitor's streams, and a
  // plain HTML form cannot send this content type. sec-web's route guards may take this over.
  const origin = request.headers.get('origin')
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host')
  if (origin !== null && hostOf(origin) !== host)
    return jsonError(403, 'forbidden', `Origin ${origin} may not inject faults here.`)
  if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? ''))
    return jsonError(415, 'invalid', 'Send JSON with Content-Type: application/json.')
  const session = await currentSession()
  if (!session.ok) return jsonError(401, 'unauthorized', `Not signed in: ${session.message}`)
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

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host
  } catch {
    return undefined
  }
}
