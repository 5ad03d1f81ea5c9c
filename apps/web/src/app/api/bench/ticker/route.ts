import { env } from '@/env'
import { invalid, notFound, readJsonBody } from '@/server/http'
import { services } from '@/server/services'
import { BenchPublishSchema, publishBenchTicks } from '@/server/ticker/bench-publisher'

export const dynamic = 'force-dynamic'
export const runtime = 'nodejs'

/**
 * `POST /api/bench/ticker` — injects ticks into the live ticker hub for `pnpm bench`. Exists only
 * when `DUPLEX_BENCH=1`; otherwise it is a 404 like any unknown path.
 */
export async function POST(request: Request) {
  if (!env.DUPLEX_BENCH) return notFound('Not found')
  const body = await readJsonBody(request)
  if (!body.ok) return body.response
  const parsed = BenchPublishSchema.safeParse(body.value)
  if (!parsed.success) return invalid(parsed.error, 'bench publish')
  const { ticker } = services()
  if (!ticker.has(parsed.data.symbol)) return notFound(`Unknown symbol ${parsed.data.symbol}`)
  return Response.json(await publishBenchTicks(ticker, parsed.data))
}
