import { streamCount } from '../../lib/streams'

export const dynamic = 'force-dynamic'

/** The bench harness's readiness check and stream count. */
export function GET(): Response {
  return Response.json({ connections: streamCount() })
}
