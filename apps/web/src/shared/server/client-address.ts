import type { ProxyTrust } from '@duplex/cluster'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { IncomingMessage } from 'node:http'

/**
 * The header that carries the client's address (see {@link installClientAddressHeader}) from
 * the HTTP server to the route handlers. Ours, so no proxy sets it; and whatever a client sends
 * under this name is overwritten before any route sees it.
 */
export const CLIENT_ADDRESS_HEADER = 'x-duplex-client-address'

/**
 * Node publishes on this channel synchronously, right before the server emits `'request'`, with
 * `{ request, response, socket, server }` (documented in Node's diagnostics_channel, "HTTP").
 */
const REQUEST_START = 'http.server.request.start'

/**
 * Sets {@link CLIENT_ADDRESS_HEADER} on every request this process serves, from the TCP peer and
 * `TRUSTED_PROXIES` (the same rule as the realtime server's, from @duplex/cluster). Called once,
 * from `instrumentation.ts`, before the server takes requests.
 *
 * Why here: under `next start` a route handler never sees the socket, and Next fills in
 * `X-Forwarded-For` from it only when the header is absent, so a client's forged header reaches
 * the route as if a proxy had written it. Node's own `http.server.request.start` channel is the
 * documented way to see the peer without a custom server or Next's internals.
 *
 * @example
 * installClientAddressHeader(env.TRUSTED_PROXIES)
 */
export function installClientAddressHeader(trust: ProxyTrust): () => void {
  const onRequestStart = (message: unknown) => {
    const request = (message as { request?: unknown } | null)?.request
    if (!(request instanceof IncomingMessage)) return
    request.headers[CLIENT_ADDRESS_HEADER] = trust.clientAddress({
      peer: request.socket.remoteAddress,
      forwardedFor: request.headers['x-forwarded-for'],
    })
  }
  subscribe(REQUEST_START, onRequestStart)
  return () => void unsubscribe(REQUEST_START, onRequestStart)
}
