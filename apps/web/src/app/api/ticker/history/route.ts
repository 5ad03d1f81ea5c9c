import { SymbolSchema, type TickerHistory } from '@duplex/protocol/ticker'
import { invalid, notFound } from '@/server/http'
import { services } from '@/server/services'

export const dynamic = 'force-dynamic'

/** `GET /api/ticker/history?symbol=AAPL` — recent prices, so a chart opened mid-session is not empty. */
export function GET(request: Request) {
  const parsed = SymbolSchema.safeParse(new URL(request.url).searchParams.get('symbol') ?? '')
  if (!parsed.success) return invalid(parsed.error, 'symbol')
  const { ticker } = services()
  if (!ticker.has(parsed.data)) return notFound(`Unknown symbol ${parsed.data}`)
  return Response.json({
    symbol: parsed.data,
    points: ticker.history(parsed.data),
  } satisfies TickerHistory)
}
