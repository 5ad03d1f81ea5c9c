import { SESSION_COOKIE } from '@duplex/protocol/session'

/**
 * Reads one cookie from a raw `Cookie` request header (`a=1; duplex_session=…`). Returns undefined
 * when the header or the cookie is missing, or the value is empty.
 *
 * @example
 * readCookie(req.headers.cookie, SESSION_COOKIE)
 */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue
    let value = part.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1)
    if (value === '') return undefined
    try {
      return decodeURIComponent(value)
    } catch {
      // A malformed escape is not ours to fix; hand it over and let verification refuse it.
      return value
    }
  }
  return undefined
}

/** The session token from a raw `Cookie` header, if the `duplex_session` cookie is there. */
export function readSessionCookie(header: string | null | undefined): string | undefined {
  return readCookie(header, SESSION_COOKIE)
}
