import { SubscriptionChangeSchema, type SubscriptionState } from '@duplex/protocol/ticker'
import { invalid, jsonError, notFound } from '@/shared/server/http'
import { readJsonBody } from '@/shared/server/edge'
import { requireUser } from '@/shared/server/session'
import { tickerServer } from '../feature.ts'

/**
 * `POST /api/ticker/subscriptions` — changes what an open stream sends, without reconnecting.
 * The guide's point: a stream that is mostly server → client needs no WebSocket for the rare
 * client → server message; a plain request does it.
 */
export async function POST(request: Request) {
  const body = await readJsonBody(request)
  if (!body.ok) return body.response
  const auth = await requireUser(request)
  if (!auth.ok) return auth.response
  const parsed = SubscriptionChangeSchema.safeParse(body.value)
  if (!parsed.success) return invalid(parsed.error, 'subscription change')

  const { hub, streams } = tickerServer()
  const { connectionId, add, remove } = parsed.data
  const unknown = [...add, ...remove].filter((s) => !hub.has(s))
  if (unknown.length > 0) return jsonError(400, 'invalid', `Unknown symbols: ${unknown.join(', ')}`)

  // In a cluster the stream may be open on another instance: this finds it and asks it.
  // Another user's stream is as unknown as a closed one: a 404 that gives nothing away.
  const symbols = await streams.change(connectionId, auth.user.id, add, remove)
  if (!symbols) return notFound(`No open stream has connectionId ${connectionId}`)
  return Response.json({ connectionId, symbols } satisfies SubscriptionState)
}
