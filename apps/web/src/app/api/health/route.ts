import { health } from '@/features/server'

export const dynamic = 'force-dynamic'

/**
 * `GET /api/health` — liveness: 200 JSON while this instance serves, whatever its dependencies
 * say (they are listed in the body; `GET /api/ready` judges them). A Redis outage is every
 * instance's at once: an orchestrator that restarted on it would restart them all. 503 from the
 * first SIGTERM on, so a load balancer that checks it stops sending new clients here before the
 * process exits.
 */
export async function GET() {
  const report = await health()
  return Response.json(report, {
    status: report.status === 'draining' ? 503 : 200,
    headers: { 'Cache-Control': 'no-store' },
  })
}
