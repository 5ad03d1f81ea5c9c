import { CLIENT_ADDRESS_HEADER } from './client-address.ts'
import { jsonError } from './http.ts'

/**
 * The client's address for per-IP limits: the TCP peer, or behind a proxy listed in
 * `TRUSTED_PROXIES` the client it names in `X-Forwarded-For`, as the realtime server counts it.
 * The server sets it on every request (see `installClientAddressHeader`), overwriting anything a
 * client sent under that name; `unknown` only where no server did (a route called directly).
 */
export function clientIp(request: Request): string {
  return request.headers.get(CLIENT_ADDRESS_HEADER) || 'unknown'
}

/** 429 JSON with `Retry-After` in whole seconds (at least 1), as every limit answers. */
export function tooMany(message: string, retryAfterMs: number): Response {
  const response = jsonError(429, 'rate_limited', message)
  response.headers.set('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))))
  return response
}
