import { BENCH_SYMBOL } from '../../lib/payload.ts'
import { openSse, tokenFor } from '../../load/clients.ts'
import type { WorkerPart } from '../../load/tasks.ts'
import { nextBenchUrl, nextStreamUrl, type DuplexSseSpec } from './endpoints.ts'

/** One bench reader for every stream: the route has no per-user stream cap to trip. */
const READER = 'bench-reader'

const tokens = new Map<string, Promise<string>>()
function tokenOf(secret: string): Promise<string> {
  let token = tokens.get(secret)
  if (!token) tokens.set(secret, (token = tokenFor(READER, secret)))
  return token
}

const withToken = async (url: string, secret: string) =>
  `${url}&token=${encodeURIComponent(await tokenOf(secret))}`

/** The ticker's part of the load worker: signed-in streams and the Next route's flood. */
export const tickerTasks: WorkerPart = {
  connectors: {
    'sse-duplex': async (spec, index, onDelivery) => {
      const { url, secret } = spec as DuplexSseSpec
      return openSse(await withToken(url, secret), index, onDelivery)
    },
  },
  floods: {
    'sse-next': async (p, onDelivery) => ({
      conn: await openSse(await withToken(nextStreamUrl(p.url), p.secret ?? ''), 0, onDelivery),
      trigger: () =>
        fetch(nextBenchUrl(p.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            symbol: BENCH_SYMBOL,
            count: p.count,
            firstSeq: p.firstSeq,
            paced: true,
          }),
        }),
    }),
  },
}
