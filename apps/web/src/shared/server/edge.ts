import { env } from '@/shared/env'
import { jsonError } from './http.ts'

/*
 * The edge of every route handler: what is checked before a request is trusted with any work.
 * Route handlers in Next get the raw body stream, so nothing upstream bounds its size and
 * nothing checks where a state-changing request came from; these checks do, in one place.
 */

export type EdgeResult<T> = { ok: true; value: T } | { ok: false; response: Response }

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * The host the client addressed, as the proxy in front saw it (`X-Forwarded-Host`) or from `Host`.
 * Compared by host and port only: the scheme changes at a TLS-terminating proxy.
 */
function addressedHost(request: Request): string | undefined {
  const forwarded = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim()
  return forwarded || request.headers.get('host') || new URL(request.url).host || undefined
}

/**
 * 403 for a state-changing request a browser sent from another site: a cross-site form or fetch
 * carries the visitor's cookie (SameSite=Lax still sends it on a top-level form POST in some
 * browsers, and always across ports of the same host), so the cookie alone proves nothing.
 * Browsers say where a request came from in `Sec-Fetch-Site` and `Origin`; a client that sends
 * neither (curl, a Node script) is not a browser acting for someone else and is let through.
 */
export function refuseCrossSite(request: Request): Response | undefined {
  if (SAFE_METHODS.has(request.method)) return undefined
  const site = request.headers.get('sec-fetch-site')
  if (site !== null && site !== 'same-origin' && site !== 'none') {
    return jsonError(
      403,
      'cross_site',
      `Cross-site ${request.method} refused (Sec-Fetch-Site: ${site}).`,
    )
  }
  const origin = request.headers.get('origin')
  if (origin === null) return undefined
  let originHost: string | undefined
  try {
    originHost = origin === 'null' ? undefined : new URL(origin).host
  } catch {
    originHost = undefined
  }
  if (originHost === undefined || originHost !== addressedHost(request)) {
    return jsonError(
      403,
      'cross_site',
      `Cross-origin ${request.method} refused (Origin: ${origin}).`,
    )
  }
  return undefined
}

function tooLarge(maxBytes: number): Response {
  return jsonError(413, 'too_large', `The request body is larger than ${maxBytes} bytes.`)
}

/**
 * Reads the body as text, refusing it with a 413 as soon as it passes `maxBytes`: at once when
 * `Content-Length` says so, else while counting a chunked body, so an endless body costs at most
 * `maxBytes` of memory. The rest of the stream is cancelled, not read.
 */
export async function readBoundedText(
  request: Request,
  maxBytes: number,
): Promise<EdgeResult<string>> {
  const declared = request.headers.get('content-length')
  if (declared !== null && Number(declared) > maxBytes)
    return { ok: false, response: tooLarge(maxBytes) }
  if (!request.body) return { ok: true, value: '' }
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let received = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    received += value.byteLength
    if (received > maxBytes) {
      await reader.cancel().catch(() => {})
      return { ok: false, response: tooLarge(maxBytes) }
    }
    chunks.push(value)
  }
  return { ok: true, value: Buffer.concat(chunks).toString('utf8') }
}

/** Whether a `Content-Type` names JSON: `application/json`, with or without parameters. */
export function isJsonContentType(value: string | null): boolean {
  return value?.split(';')[0]?.trim().toLowerCase() === 'application/json'
}

export interface ReadJsonOptions {
  maxBytes: number
}

/**
 * The one way a route reads a JSON body: cross-site check (403), `application/json` (415, so a
 * `text/plain` form cannot pass for JSON), size bound (413), then parsing (400). An empty body is
 * `undefined`, for routes whose body is optional; it needs no content type.
 */
export async function readGuardedJson(
  request: Request,
  { maxBytes }: ReadJsonOptions,
): Promise<EdgeResult<unknown>> {
  const crossSite = refuseCrossSite(request)
  if (crossSite) return { ok: false, response: crossSite }
  const type = request.headers.get('content-type')
  const declaredEmpty = request.headers.get('content-length') === '0' || request.body === null
  if (!isJsonContentType(type) && !(type === null && declaredEmpty)) {
    return {
      ok: false,
      response: jsonError(
        415,
        'unsupported_media_type',
        `Send the body as application/json (got ${type ?? 'no Content-Type'}).`,
      ),
    }
  }
  const text = await readBoundedText(request, maxBytes)
  if (!text.ok) return text
  if (text.value.trim() === '') return { ok: true, value: undefined }
  try {
    return { ok: true, value: JSON.parse(text.value) }
  } catch (error) {
    return {
      ok: false,
      response: jsonError(400, 'invalid', `Body is not valid JSON: ${(error as Error).message}`),
    }
  }
}

/** {@link readGuardedJson} with the app's limit (`WEB_MAX_BODY_BYTES`): what the routes call. */
export function readJsonBody(request: Request): Promise<EdgeResult<unknown>> {
  return readGuardedJson(request, { maxBytes: env.WEB_MAX_BODY_BYTES })
}
