export const dynamic = 'force-dynamic'

/** The trivial JSON route, read against Duplex's `GET /api/health`. */
export function GET(): Response {
  return Response.json({ ok: true, uptimeS: Math.round(process.uptime()) })
}
