import { jsonError } from '@/shared/server/http'
import { tooMany } from '@/shared/server/limits'
import { requireUser } from '@/shared/server/session'
import { compareServer } from '../feature.ts'
import { compareEnv } from '../env.ts'

/** A comparison stream lasts one run; by then a share is free again. */
const RETRY_MS = 10_000

/** `GET /api/compare/stream` — the event stream of one live comparison on /compare. */
export async function GET(request: Request) {
  const auth = await requireUser(request)
  if (!auth.ok) return auth.response
  const opened = compareServer().hub.open(request.signal, auth.user.id)
  if (opened === 'user') {
    return tooMany(
      `You already run ${compareEnv.COMPARE_MAX_STREAMS_PER_USER} comparisons; let one finish first.`,
      RETRY_MS,
    )
  }
  if (opened === 'total') {
    const response = jsonError(503, 'busy', 'Too many comparisons are running; try again shortly.')
    response.headers.set('Retry-After', String(RETRY_MS / 1000))
    return response
  }
  return opened
}
