import { sseStream } from '../../lib/streams'

export const dynamic = 'force-dynamic'

/** An SSE route handler the way the guide writes one: a `ReadableStream` in a `Response`. */
export function GET(request: Request): Response {
  return new Response(sseStream(request.signal), {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
    },
  })
}
