import { readSessionCookie } from '@duplex/auth'
import type { ApiError } from '@duplex/protocol/errors'
import { ORIGIN_SETTING, type OriginCheck } from '@duplex/protocol/origin'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { OriginPolicy } from './origins.ts'

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-store',
  })
  res.end(payload)
}

/** Writes the house error body `{ error: { code, message, issues? } }`. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  issues?: ApiError['error']['issues'],
): void {
  const body: ApiError = { error: { code, message, ...(issues ? { issues } : {}) } }
  sendJson(res, status, body)
}

/**
 * 503 `unavailable` with `Retry-After` (whole seconds) and `retryAfterMs`: a store the request
 * needs is down, nothing was changed, the same request works later.
 */
export function sendUnavailable(res: ServerResponse, message: string, retryAfterMs: number): void {
  const body: ApiError = { error: { code: 'unavailable', message, retryAfterMs } }
  res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))))
  sendJson(res, 503, body)
}

/**
 * Answers a request whose session was refused: 401 `unauthorized` with the reason, or 503
 * `unavailable` when whether it was signed out cannot be told right now (retry, do not sign in).
 */
export function sendSessionRefused(
  res: ServerResponse,
  session: { reason: string; message: string; retryAfterMs?: number },
  prefix = '',
): void {
  if (session.reason === 'unavailable') {
    sendUnavailable(res, session.message, session.retryAfterMs ?? 2000)
  } else {
    sendError(res, 401, 'unauthorized', `${prefix}${session.message}`)
  }
}

/** Thrown by {@link readJsonBody}; `status` is what to answer. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message)
    this.name = 'BodyError'
  }
}

/** Reads a small JSON request body, refusing anything larger than `maxBytes`. */
export async function readJsonBody(req: IncomingMessage, maxBytes = 16 * 1024): Promise<unknown> {
  const type = req.headers['content-type'] ?? ''
  if (!/^application\/json\b/i.test(type))
    throw new BodyError(415, 'send JSON with Content-Type: application/json')
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > maxBytes) throw new BodyError(413, `body must be at most ${maxBytes} bytes`)
    chunks.push(chunk as Buffer)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
  } catch {
    throw new BodyError(400, 'body is not valid JSON')
  }
}

/**
 * The session token of an HTTP or upgrade request: `?token=` (what y-websocket's `params` sends),
 * then `Authorization: Bearer`, then the `duplex_session` cookie.
 */
export function tokenFromRequest(req: IncomingMessage, url: URL): string | undefined {
  const query = url.searchParams.get('token')
  if (query) return query
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim() || undefined
  return readSessionCookie(req.headers.cookie)
}

/**
 * Adds CORS headers for an allowed browser origin (with credentials, so the session cookie goes
 * along) and answers preflights. Returns true when the request was a preflight and is done.
 */
export function handleCors(
  req: IncomingMessage,
  res: ServerResponse,
  policy: OriginPolicy,
): boolean {
  const origin = req.headers.origin
  if (origin && policy.isAllowed(origin, req.headers.host)) {
    res.setHeader('Access-Control-Allow-Origin', origin)
    res.setHeader('Access-Control-Allow-Credentials', 'true')
    res.setHeader('Vary', 'Origin')
  }
  if (req.method !== 'OPTIONS') return false
  res.writeHead(204, {
    'Access-Control-Allow-Methods': 'GET, POST, PATCH, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': 'Content-Type, Authorization',
    'Access-Control-Max-Age': '600',
  })
  res.end()
  return true
}

/**
 * `GET /origin` (see `ORIGIN_CHECK_PATH`): whether `policy` accepts the caller's `Origin`. Any
 * page may read the answer (`Access-Control-Allow-Origin: *`, no credentials), because the page
 * that most needs it is the one the policy refuses: a refused WebSocket or CORS request tells
 * its scripts nothing, and this is how it learns which setting to change.
 */
export function sendOriginCheck(
  req: IncomingMessage,
  res: ServerResponse,
  policy: OriginPolicy,
): void {
  const origin = req.headers.origin || null
  const body: OriginCheck = {
    origin,
    allowed: policy.isAllowed(origin ?? undefined, req.headers.host),
    setting: ORIGIN_SETTING,
  }
  res.setHeader('Access-Control-Allow-Origin', '*')
  sendJson(res, 200, body)
}
