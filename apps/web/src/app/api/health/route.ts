import { health } from '@/features/server'

export const dynamic = 'force-dynamic'

/**
 * `GET /api/health` — 200 JSON while this instance serves; 503 from the first SIGTERM on, so a
 * load balancer that checks it stops sending new clients here before the process exits.
 */
export function GET() {
  const report = health()
  return Response.json(report, { status: report.status === 'draining' ? 503 : 200 })
}
