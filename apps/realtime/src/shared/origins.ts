/** The web app's port when `PORT` is unset, as in its own `start` and `dev` scripts. */
export const DEFAULT_WEB_PORT = 3000

/**
 * The web app's own origins on this machine, allowed when `ALLOWED_ORIGINS` is unset: the port
 * the web app actually listens on (`pnpm start` and `pnpm dev` pass `PORT` to both apps), on the
 * loopback names a browser on the same machine uses.
 */
export function defaultAllowedOrigins(webPort: number): string[] {
  // Through URL, so port 80 is spelled the way browsers send it: `http://localhost`.
  return ['localhost', '127.0.0.1', '[::1]'].map(
    (host) => new URL(`http://${host}:${webPort}`).origin,
  )
}

export interface OriginPolicyOptions {
  /** `ALLOWED_ORIGINS`: a list, `*` for any, or undefined for {@link defaultAllowedOrigins}. */
  allowed: readonly string[] | '*' | undefined
  /** `PORT`: the web app's port, for the default list; {@link DEFAULT_WEB_PORT} when undefined. */
  webPort?: number | undefined
  /**
   * Development only, and only with the default list: also allow any origin whose host name is
   * the one the client used to reach this server (any port). Opening the demo as
   * `http://192.168.1.20:3000` from a phone then works without configuration, while a page on
   * some other host still cannot ride on a visitor's cookie.
   */
  sameHostInDev: boolean
}

export interface OriginPolicy {
  /**
   * Whether a request may proceed. No `Origin` header means a non-browser client (Node script,
   * curl); it is allowed because it must still present a token, and an attacker's page cannot
   * strip the header from a victim's browser.
   */
  isAllowed(origin: string | undefined, host: string | undefined): boolean
}

/**
 * Decides which browser origins may open a socket or call the HTTP API. Browsers do not apply
 * CORS to WebSockets, so without this check any site could connect with the visitor's cookie.
 *
 * @example
 * const policy = createOriginPolicy({
 *   allowed: env.ALLOWED_ORIGINS,
 *   webPort: env.PORT,
 *   sameHostInDev: env.NODE_ENV !== 'production',
 * })
 * policy.isAllowed(req.headers.origin, req.headers.host)
 */
export function createOriginPolicy(options: OriginPolicyOptions): OriginPolicy {
  const configured = options.allowed
  const list = new Set(
    configured === '*'
      ? []
      : (configured ?? defaultAllowedOrigins(options.webPort ?? DEFAULT_WEB_PORT)),
  )
  const sameHost = options.sameHostInDev && configured === undefined
  return {
    isAllowed(origin, host) {
      if (origin === undefined || origin === '') return true
      if (configured === '*') return true
      if (list.has(origin)) return true
      if (!sameHost || host === undefined) return false
      try {
        return new URL(origin).hostname === new URL(`http://${host}`).hostname
      } catch {
        return false
      }
    },
  }
}
