import { services } from '@/server/services'

export const dynamic = 'force-dynamic'

/**
 * `GET /api/health` — 200 JSON while this instance serves; 503 from the first SIGTERM on, so a
 * load balancer that checks it stops sending new clients here before the process exits.
 */
export function GET() {
  const { ticker, heartbeat, mode, instanceId, runsMarket, draining } = services()
  return Response.json(
    {
      status: draining() ? 'draining' : 'ok',
      uptimeSeconds: Math.round(process.uptime()),
      mode,
      instanceId,
      runsMarket: runsMarket(),
      ticker: ticker.stats(),
      openStreams: heartbeat.size,
    },
    { status: draining() ? 503 : 200 },
  )
}
