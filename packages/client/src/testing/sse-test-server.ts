import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SSE_HEADERS } from '@duplex/protocol/sse'

/** One request the test server saw. */
export interface RecordedRequest {
  /** 1 for the first request, 2 for the next… */
  n: number
  path: string
  query: URLSearchParams
  /** The `Last-Event-ID` header, if the client sent one. */
  lastEventIdHeader: string | undefined
  at: number
}

export interface SseTestServer {
  /** An absolute URL on this server, `/stream` by default. */
  url(path?: string): string
  requests: RecordedRequest[]
  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number): Promise<RecordedRequest[]>
  close(): Promise<void>
}

export type Respond = (
  res: ServerResponse,
  request: RecordedRequest,
  req: IncomingMessage,
) => void | Promise<void>

/** Starts the response of an event stream. */
export function startEventStream(res: ServerResponse): void {
  res.writeHead(200, SSE_HEADERS)
  // Send the headers now, so the client's `open` does not wait for the first frame.
  res.flushHeaders()
}

/**
 * A real HTTP server on a free port (port 0), for tests that need the whole path: fetch,
 * the EventSource, status codes and reconnects.
 */
export async function startSseTestServer(respond: Respond): Promise<SseTestServer> {
  const requests: RecordedRequest[] = []
  const waiters = new Set<() => void>()
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://test')
    const header = req.headers['last-event-id']
    const request: RecordedRequest = {
      n: requests.length + 1,
      path: url.pathname,
      query: url.searchParams,
      lastEventIdHeader: Array.isArray(header) ? header[0] : header,
      at: Date.now(),
    }
    requests.push(request)
    for (const wake of [...waiters]) wake()
    void respond(res, request, req)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: (path = '/stream') => `http://127.0.0.1:${port}${path}`,
    requests,
    waitForRequests: (count) =>
      new Promise((resolve) => {
        const wake = () => {
          if (requests.length < count) return
          waiters.delete(wake)
          resolve(requests.slice(0, count))
        }
        waiters.add(wake)
        wake()
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
