import { realtimeBaseUrl, toWebSocketUrl, type RealtimeConfig } from '@/shared/lib/realtime-url'

export interface CspOptions {
  nonce: string
  /** The realtime server's address, worked out as the page will (see `realtimeBaseUrl`). */
  realtime: RealtimeConfig
  /** The page's own URL as the browser addressed it. */
  page: URL
  /** `next dev` evaluates code for hot reloading and React's dev tools, which a build never does. */
  dev: boolean
}

/**
 * The Content-Security-Policy of every page. Scripts: only this origin's, and the inline ones that
 * carry this response's nonce (Next's bootstrap and the theme script); `strict-dynamic` lets the
 * nonced bootstrap load the chunks it needs. Styles may be inline: React, CodeMirror and the charts
 * write `style` attributes, which a nonce cannot cover, and styles cannot run code. Connections:
 * this origin (SSE, the API) and the realtime server (Socket.IO, Yjs), nothing else. No page may
 * frame ours (`frame-ancestors 'none'`: a foreign page cannot overlay a demo and steal its clicks).
 */
export function contentSecurityPolicy({ nonce, realtime, page, dev }: CspOptions): string {
  const realtimeHttp = realtimeBaseUrl(realtime, page)
  const realtimeOrigin = new URL(realtimeHttp).origin
  const connect = new Set(["'self'", realtimeOrigin, new URL(toWebSocketUrl(realtimeHttp)).origin])
  // `ws:`/`wss:` to our own origin: behind a proxy the Yjs socket is same-origin, and 'self' only
  // covers ws: in browsers that implement CSP level 3.
  connect.add(toWebSocketUrl(page.origin))
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': [
      "'self'",
      `'nonce-${nonce}'`,
      "'strict-dynamic'",
      ...(dev ? ["'unsafe-eval'"] : []),
    ],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': [...connect],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  }
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ')
}
