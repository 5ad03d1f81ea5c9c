/**
 * Where the browser finds the realtime server. The page gets this from the server (env), never
 * from a hard-coded host, so the same build works on localhost, on a LAN address and behind a
 * proxy that serves both from one origin.
 */
export interface RealtimeConfig {
  /**
   * `REALTIME_PUBLIC_URL`, when set: the full URL (`https://rt.duplex.example`), or `same-origin`
   * (also `/`) behind a reverse proxy that serves the realtime server's paths on the page's origin.
   */
  publicUrl: string | undefined
  /** `REALTIME_PORT`: used with the page's own host when there is no public URL. */
  port: number
}

/**
 * The HTTP base URL of the realtime server as seen from this page: `REALTIME_PUBLIC_URL` if set
 * (`same-origin`: the page's own origin), else the page's own protocol and host name with
 * `REALTIME_PORT`. The one place that decides.
 *
 * @example
 * realtimeBaseUrl({ publicUrl: undefined, port: 3001 }, new URL('http://127.0.0.1:3000/chat'))
 * // 'http://127.0.0.1:3001'
 */
export function realtimeBaseUrl(
  config: RealtimeConfig,
  page: Pick<URL, 'protocol' | 'hostname' | 'origin'>,
): string {
  // Behind deploy/nginx or deploy/caddy, one origin serves the pages and the WebSockets.
  if (config.publicUrl === 'same-origin') return page.origin
  if (config.publicUrl) {
    // Relative (`/`) means "same origin as the page", e.g. behind a proxy that routes /socket.io.
    const url = new URL(config.publicUrl, page.origin)
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
  }
  // `hostname` keeps IPv6 brackets (`[::1]`), so it can be pasted into a URL as is.
  return `${page.protocol}//${page.hostname}:${config.port}`
}

/** The same URL with a WebSocket scheme (`http:` → `ws:`, `https:` → `wss:`), for y-websocket. */
export function toWebSocketUrl(httpUrl: string): string {
  return httpUrl.replace(/^http(s?):/, 'ws$1:')
}

/**
 * Whether the browser will send this page's cookies to the realtime server on its own. Cookies
 * are scoped by host, not port, so `127.0.0.1:3000` → `127.0.0.1:3001` carries the session;
 * another host name (a separate realtime domain) needs the token passed explicitly.
 */
export function sharesCookies(realtimeUrl: string, page: Pick<URL, 'hostname'>): boolean {
  return new URL(realtimeUrl).hostname === page.hostname
}
