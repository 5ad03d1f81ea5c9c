/** Origins the web app uses in development, allowed when `ALLOWED_ORIGINS` is unset. */
const DEFAULT_ALLOWED_ORIGINS = ['http://localhost:3000', 'http://127.0.0.1:3000'] as const

export interface OriginPolicyOptions {
  /** `ALLOWED_ORIGINS`: a list, `*` for any, or undefined for {@link DEFAULT_ALLOWED_ORIGINS}. */
  allowed: readonly string[] | '*' | undefined
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
 * const policy = createOriginPolicy({ allowed: env.ALLOWED_ORIGINS, sameHostInDev: env.NODE_ENV !== 'production' })
 * policy.isAllowed(req.headers.origin, req.headers.host)
 */
export function createOriginPolicy(options: OriginPolicyOptions): OriginPolicy {
  const configured = options.allowed
  const list = new Set(configured === '*' ? [] : (configured ?? DEFAULT_ALLOWED_ORIGINS))
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
