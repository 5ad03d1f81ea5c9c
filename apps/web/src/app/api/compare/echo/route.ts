import { CompareEchoSchema } from '@/lib/compare-protocol'
import { invalid, notFound, readJsonBody } from '@/server/http'
import { echoHub } from '@/server/compare/echo-hub'
import { services } from '@/server/services'

export const dynamic = 'force-dynamic'
export const runtime = 'nodejs'

/** `POST /api/compare/echo` `{ connectionId, seq, t }` — sent back as an `echo` event on that stream. */
export async function POST(request: Request) {
  const body = await readJsonBody(request)
  if (!body.ok) return body.response
  const parsed = CompareEchoSchema.safeParse(body.value)
  if (!parsed.success) return invalid(parsed.error, 'echo')
  if (!echoHub(services().heartbeat).echo(parsed.data)) {
    return notFound(`No comparison stream ${parsed.data.connectionId}`)
  }
  return new Response(null, { status: 204 })
}
