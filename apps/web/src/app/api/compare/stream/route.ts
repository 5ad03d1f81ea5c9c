import { jsonError } from '@/server/http'
import { echoHub } from '@/server/compare/echo-hub'
import { services } from '@/server/services'

export const dynamic = 'force-dynamic'
export const runtime = 'nodejs'

/** `GET /api/compare/stream` — the event stream of one live comparison on /compare. */
export function GET(request: Request) {
  const response = echoHub(services().heartbeat).open(request.signal)
  return response ?? jsonError(503, 'busy', 'Too many comparisons are running; try again shortly.')
}
