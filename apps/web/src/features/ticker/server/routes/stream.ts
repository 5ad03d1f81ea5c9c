import { TickerStreamQuerySchema } from '@duplex/protocol/ticker'
import { env } from '@/shared/env'
import { invalid, jsonError, lastEventIdOf } from '@/shared/server/http'
import { services } from '@/shared/server/services'
import { currentSession } from '@/shared/server/session'
import { comeBackLater } from '@/shared/server/sse/come-back'
import { tickerServer } from '../feature.ts'

/** `GET /api/ticker/stream?symbols=AAPL,MSFT` — the live ticker as Server-Sent Events. */
export async function GET(request: Request) {
  const url = new URL(request.url)
  const parsed = TickerStreamQuerySchema.safeParse({
    symbols: url.searchParams.get('symbols') ?? '',
    lastEventId: lastEventIdOf(request, url),
  })
  if (!parsed.success) return invalid(parsed.error, 'stream query')

  const { hub, streams } = tickerServer()
  if (services().draining()) return comeBackLater(env.SSE_RETRY_MS)
  const unknown = parsed.data.symbols.filter((s) => !hub.has(s))
  if (unknown.length > 0) {
    return jsonError(
      400,
      'invalid',
      `Unknown symbol${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. GET /api/ticker/symbols lists the market.`,
    )
  }
  const session = await currentSession()
  return streams.open({
    symbols: parsed.data.symbols,
    lastEventId: parsed.data.lastEventId,
    signal: request.signal,
    owner: session.ok ? session.session.user.id : undefined,
  })
}
