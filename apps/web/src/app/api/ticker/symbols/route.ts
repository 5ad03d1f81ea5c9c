import type { SymbolList } from '@duplex/protocol/ticker'
import { services } from '@/server/services'

export function GET() {
  return Response.json({ symbols: services().ticker.listings() } satisfies SymbolList)
}
