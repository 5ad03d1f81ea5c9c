import { SymbolSchema, type TickerHistory } from '@duplex/protocol/ticker'
import { invalid, notFound } from '@/shared/server/http'
import { tickerServer } from '../feature.ts'

/** `GET /api/ticker/history?symbol=AAPL` — recent prices, so a chart opened mid-session is not empty. */
export function GET(request: Request) {
  const parsed = SymbolSchema.safeParse(new URL(request.url).searchParams.get('symbol') ?? '')
  if (!parsed.success) return invalid(parsed.error, 'symbol')
  const { hub } = tickerServer()
  if (!hub.has(parsed.data)) return notFound(`Unknown symbol ${parsed.data}`)
  return Response.json({
    symbol: parsed.data,
    points: hub.history(parsed.data),
  } satisfies TickerHistory)
}
