import { BENCH_SYMBOL } from '../../lib/payload.ts'
import { openSse } from '../../load/clients.ts'
import type { WorkerPart } from '../../load/tasks.ts'
import { nextBenchUrl, nextStreamUrl } from './endpoints.ts'

/** The ticker's part of the load worker: the Next route's flood. */
export const tickerTasks: WorkerPart = {
  floods: {
    'sse-next': async (p, onDelivery) => ({
      conn: await openSse(nextStreamUrl(p.url), 0, onDelivery),
      trigger: () =>
        fetch(nextBenchUrl(p.url), {
          method: 'POST',
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
