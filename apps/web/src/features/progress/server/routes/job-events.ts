import { FaultConnectionIdSchema, FaultConnectionParam } from '@duplex/protocol/faults'
import { JobIdSchema } from '@duplex/protocol/jobs'
import { encodeSseFrame, encodeSseJson } from '@duplex/protocol/sse'
import { env } from '@/shared/env'
import { invalid, lastEventIdOf, notFound } from '@/shared/server/http'
import { registerSseFaults } from '@/shared/server/faults/sse-faults'
import { services } from '@/shared/server/services'
import { currentSession } from '@/shared/server/session'
import { comeBackLater } from '@/shared/server/sse/come-back'
import { requireUser } from '@/shared/server/session'
import { createSseStream } from '@/shared/server/sse/sse-stream'
import { progressServer } from '../feature.ts'
import type { JobEvent } from '../job-model.ts'
import { storeDown } from './store-down.ts'

const frameOf = (e: JobEvent) => encodeSseJson(e.event, e.data, e.seq)

/**
 * `GET /api/jobs/:id/events` — the job's progress, then exactly one terminal event, then the end.
 *
 * A stream that ends makes EventSource reconnect. Two things stop that loop: the client closes
 * on the terminal event (our manager does), and a reconnect that already saw the terminal event
 * (its Last-Event-ID is that event's id) gets `204 No Content`, which the spec says makes
 * EventSource stop for good. A client that missed the ending still receives it. Only the job's
 * owner may follow it (the cookie, or `?token=`); anyone else gets the 404 of a missing job.
 */
export async function GET(request: Request, ctx: RouteContext<'/api/jobs/[id]/events'>) {
  const auth = await requireUser(request)
  if (!auth.ok) return auth.response
  const id = JobIdSchema.safeParse((await ctx.params).id)
  if (!id.success) return invalid(id.error, 'job id')
  // `?stream=` is the name the page gave this stream, so its "Break it" panel can name it; it
  // stays the same across EventSource's reconnects because they reuse the URL.
  const streamParam = new URL(request.url).searchParams.get(FaultConnectionParam.sse)
  const streamName =
    streamParam === null ? undefined : FaultConnectionIdSchema.safeParse(streamParam)
  if (streamName && !streamName.success) return invalid(streamName.error, 'stream name')
  const session = streamName ? await currentSession() : undefined
  const { heartbeat, draining } = services()
  const { jobs, streams: jobStreams } = progressServer()
  if (draining()) return comeBackLater(env.SSE_RETRY_MS)

  // Follow first, then read the state: in a cluster an event may land between the two, and it
  // must be neither lost nor sent twice (events carry their seq; only newer ones go out).
  const early: JobEvent[] = []
  let onEvent = (event: JobEvent): void => void early.push(event)
  const unsubscribe = jobs.subscribe(id.data, (event) => onEvent(event))
  let current: JobEvent | undefined
  try {
    current = await jobs.lastEvent(id.data, auth.user.id)
  } catch (error) {
    unsubscribe()
    return storeDown(error)
  }
  if (!current) {
    unsubscribe()
    return notFound(`No job with id ${id.data}`)
  }

  const lastSeen = Number(lastEventIdOf(request, new URL(request.url)) ?? -1)
  const ended = current.event !== 'progress'
  if (ended && lastSeen >= current.seq) {
    unsubscribe()
    return new Response(null, { status: 204 })
  }

  let unregisterFaults: () => void = () => undefined
  const { sink, response, faults } = createSseStream({
    signal: request.signal,
    heartbeat,
    slowConsumerMs: env.SSE_SLOW_CONSUMER_MS,
    onClose: () => {
      unregisterFaults()
      unsubscribe()
      jobStreams.delete(sink)
    },
  })
  jobStreams.add(sink)
  // Progress is a state, not a log: a (re)connecting client gets the latest state, then live.
  sink.write(encodeSseFrame({ retry: env.SSE_RETRY_MS }) + frameOf(current))
  let sent = current.seq
  const send = (event: JobEvent) => {
    if (event.seq <= sent) return
    sent = event.seq
    sink.write(frameOf(event))
    if (event.event !== 'progress') sink.close()
  }
  if (ended) sink.close()
  else {
    if (streamName?.success) {
      unregisterFaults = registerSseFaults({
        owner: session?.ok ? session.session.user.id : undefined,
        connectionId: streamName.data,
        faults,
        // What SIGTERM does to every job stream (see the feature's drain), to this one only.
        restart: () => {
          sink.write(encodeSseFrame({ retry: env.SSE_RETRY_MS }))
          sink.close()
        },
      })
    }
    onEvent = send
    for (const event of early) send(event)
  }
  return response
}
