import { jsonError } from '@/shared/server/http'
import { compareServer } from '../feature.ts'

/** `GET /api/compare/stream` — the event stream of one live comparison on /compare. */
export function GET(request: Request) {
  const response = compareServer().hub.open(request.signal)
  return response ?? jsonError(503, 'busy', 'Too many comparisons are running; try again shortly.')
}
