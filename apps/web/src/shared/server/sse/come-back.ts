import { encodeSseFrame, SSE_HEADERS } from '@duplex/protocol/sse'

/**
 * The answer to a new event stream while this instance shuts down: a `retry:` hint and an
 * immediate end, so EventSource reconnects in `retryMs` (through the proxy, to another instance)
 * instead of failing the way it does on an error status. `Connection: close` makes a proxy drop
 * its kept-alive connection to us rather than send the retry down the same one.
 */
export function comeBackLater(retryMs: number): Response {
  return new Response(
    encodeSseFrame({ comment: 'this server is shutting down; reconnect', retry: retryMs }),
    { headers: { ...SSE_HEADERS, Connection: 'close' } },
  )
}
