import { readiness } from '@/features/server'

export const dynamic = 'force-dynamic'

/**
 * `GET /api/ready` — readiness: 200 `{ status: 'ok', dependencies }` when every dependency of this
 * instance is up; 503 with `status: 'unavailable'` naming the one that is down (e.g.
 * `{ redis: 'down' }`), or `status: 'draining'` from the first SIGTERM on. Cheap: it reads
 * connection states and cached probes, never opens a connection.
 */
export async function GET() {
  const report = await readiness()
  return Response.json(report, {
    status: report.status === 'ok' ? 200 : 503,
    headers: { 'Cache-Control': 'no-store' },
  })
}
