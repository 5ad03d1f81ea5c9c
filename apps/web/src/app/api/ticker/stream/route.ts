import { TickerStreamQuerySchema } from '@duplex/protocol/ticker'
import { env } from '@/env'
import { invalid, jsonError, lastEventIdOf } from '@/server/http'
import { services } from '@/server/services'
import { comeBackLater } from '@/server/sse/come-back'

// Streams are long-lived and per-request: never prerender or cache this route.
export const dynamic = 'force-dynamic'
export const runtime = 'nodejs'

/** `GET /api/ticker/stream?symbols=AAPL,MSFT` — the live ticker as Server-Sent Events. */
export async function GET(request: Request) {
  const url = new URL(request.url)
  const parsed = TickerStreamQuerySchema.safeParse({
    symbols: url.searchParams.get('symbols') ?? '',
    lastEventId: lastEventIdOf(request, url),
  })
  if (!parsed.success) return invalid(parsed.error, 'stream query')

  const { ticker, tickerStreams, draining } = services()
  if (draining()) return comeBackLater(env.SSE_RETRY_MS)
  const unknown = parsed.data.symbols.filter((s) => !ticker.has(s))
  if (unknown.length > 0) {
    return jsonError(
      400,
      'invalid',
      `Unknown symbol${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. GET /api/ticker/symbols lists the market.`,
    )
  }
  return tickerStreams.open({
    symbols: parsed.data.symbols,
    lastEventId: parsed.data.lastEventId,
    signal: request.signal,
  })
}
