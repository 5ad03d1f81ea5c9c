import { invalid, notFound } from '@/shared/server/http'
import { readJsonBody } from '@/shared/server/edge'
import { BenchPublishSchema, publishBenchTicks } from '../bench-publisher.ts'
import { tickerEnv } from '../env.ts'
import { tickerServer } from '../feature.ts'

/**
 * `POST /api/bench/ticker` — injects ticks into the live ticker hub for `pnpm bench`. Exists only
 * when `DUPLEX_BENCH=1`; otherwise it is a 404 like any unknown path.
 */
export async function POST(request: Request) {
  if (!tickerEnv.DUPLEX_BENCH) return notFound('Not found')
  const body = await readJsonBody(request)
  if (!body.ok) return body.response
  const parsed = BenchPublishSchema.safeParse(body.value)
  if (!parsed.success) return invalid(parsed.error, 'bench publish')
  const { hub } = tickerServer()
  if (!hub.has(parsed.data.symbol)) return notFound(`Unknown symbol ${parsed.data.symbol}`)
  return Response.json(await publishBenchTicks(hub, parsed.data))
}
