import { services } from '@/server/services'

export const dynamic = 'force-dynamic'

export function GET() {
  const { ticker, heartbeat } = services()
  return Response.json({
    status: 'ok',
    uptimeSeconds: Math.round(process.uptime()),
    ticker: ticker.stats(),
    openStreams: heartbeat.size,
  })
}
