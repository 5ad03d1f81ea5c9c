import { ApiErrorCode, describeZodError, zodIssues, type ApiError } from '@duplex/protocol/errors'
import type { z } from 'zod'

/** JSON error bodies share one shape: `{ error: { code, message, issues? } }`. */
export function jsonError(
  status: number,
  code: string,
  message: string,
  issues?: ApiError['error']['issues'],
): Response {
  const body: ApiError = { error: { code, message, ...(issues ? { issues } : {}) } }
  return Response.json(body, { status })
}

/** 400 that names every bad field, straight from the zod schema. */
export function invalid(error: z.ZodError, what = 'request'): Response {
  return jsonError(400, 'invalid', `Invalid ${what}: ${describeZodError(error)}`, zodIssues(error))
}

/**
 * 503 `unavailable`: a store this request needs is down, nothing was changed, and the same
 * request will work later. `Retry-After` in whole seconds (at least 1) and `retryAfterMs` in the
 * body say when.
 */
export function unavailable(message: string, retryAfterMs = 2000): Response {
  const body: ApiError = { error: { code: ApiErrorCode.unavailable, message, retryAfterMs } }
  return Response.json(body, {
    status: 503,
    headers: {
      'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
      'Cache-Control': 'no-store',
    },
  })
}

export function notFound(message: string): Response {
  return jsonError(404, 'not_found', message)
}

/** `Last-Event-ID` from the header EventSource sends, or the query parameter for clients that cannot set headers. */
export function lastEventIdOf(request: Request, url: URL): string | undefined {
  const value = request.headers.get('last-event-id') ?? url.searchParams.get('lastEventId')
  return value === null || value.trim() === '' ? undefined : value.trim()
}
