import type { SymbolList } from '@duplex/protocol/ticker'
import { tickerServer } from '../feature.ts'

export function GET() {
  return Response.json({ symbols: tickerServer().hub.listings() } satisfies SymbolList)
}
