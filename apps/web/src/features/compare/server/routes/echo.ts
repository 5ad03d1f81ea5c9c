import { CompareEchoSchema } from '@duplex/protocol/compare'
import { invalid, notFound } from '@/shared/server/http'
import { readJsonBody } from '@/shared/server/edge'
import { requireUser } from '@/shared/server/session'
import { compareServer } from '../feature.ts'

/** `POST /api/compare/echo` `{ connectionId, seq, t }` — sent back as an `echo` event on that stream. */
export async function POST(request: Request) {
  const body = await readJsonBody(request)
  if (!body.ok) return body.response
  const auth = await requireUser(request)
  if (!auth.ok) return auth.response
  const parsed = CompareEchoSchema.safeParse(body.value)
  if (!parsed.success) return invalid(parsed.error, 'echo')
  if (!compareServer().hub.echo(parsed.data, auth.user.id)) {
    return notFound(`No comparison stream ${parsed.data.connectionId}`)
  }
  return new Response(null, { status: 204 })
}
