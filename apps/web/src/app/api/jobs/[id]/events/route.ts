import { JobIdSchema } from '@duplex/protocol/jobs'
import { encodeSseFrame, encodeSseJson } from '@duplex/protocol/sse'
import { env } from '@/env'
import { invalid, lastEventIdOf, notFound } from '@/server/http'
import type { JobEvent } from '@/server/jobs/job-runner'
import { services } from '@/server/services'
import { createSseStream } from '@/server/sse/sse-stream'

export const dynamic = 'force-dynamic'
export const runtime = 'nodejs'

const frameOf = (e: JobEvent) => encodeSseJson(e.event, e.data, e.seq)

/**
 * `GET /api/jobs/:id/events` — the job's progress, then exactly one terminal event, then the end.
 *
 * A stream that ends makes EventSource reconnect. Two things stop that loop: the client closes
 * on the terminal event (our manager does), and a reconnect that already saw the terminal event
 * (its Last-Event-ID is that event's id) gets `204 No Content`, which the spec says makes
 * EventSource stop for good. A client that missed the ending still receives it.
 */
export async function GET(request: Request, ctx: RouteContext<'/api/jobs/[id]/events'>) {
  const id = JobIdSchema.safeParse((await ctx.params).id)
  if (!id.success) return invalid(id.error, 'job id')
  const { jobs, heartbeat } = services()
  const current = jobs.lastEvent(id.data)
  if (!current) return notFound(`No job with id ${id.data}`)

  const lastSeen = Number(lastEventIdOf(request, new URL(request.url)) ?? -1)
  const ended = current.event !== 'progress'
  if (ended && lastSeen >= current.seq) return new Response(null, { status: 204 })

  let unsubscribe = () => {}
  const { sink, response } = createSseStream({
    signal: request.signal,
    heartbeat,
    slowConsumerMs: env.SSE_SLOW_CONSUMER_MS,
    onClose: () => unsubscribe(),
  })
  // Progress is a state, not a log: a (re)connecting client gets the latest state, then live.
  sink.write(encodeSseFrame({ retry: env.SSE_RETRY_MS }) + frameOf(current))
  if (ended) {
    sink.close()
    return response
  }
  unsubscribe = jobs.subscribe(id.data, (event) => {
    sink.write(frameOf(event))
    if (event.event !== 'progress') sink.close()
  })
  return response
}
