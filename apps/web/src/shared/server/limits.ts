import { jsonError } from './http.ts'

/**
 * The client's address for per-IP limits: the last `X-Forwarded-For` hop, which is the one the
 * proxy in front appended (Next sets the header from the socket when there is no proxy). Without
 * a proxy a client can choose it; per-IP limits then only slow an honest-looking client down, and
 * the per-user and total limits still hold.
 */
export function clientIp(request: Request): string {
  const hops = request.headers.get('x-forwarded-for')?.split(',') ?? []
  return hops.at(-1)?.trim() || 'unknown'
}

/** 429 JSON with `Retry-After` in whole seconds (at least 1), as every limit answers. */
export function tooMany(message: string, retryAfterMs: number): Response {
  const response = jsonError(429, 'rate_limited', message)
  response.headers.set('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))))
  return response
}
