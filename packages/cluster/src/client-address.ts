import proxyaddr from '@fastify/proxy-addr'
import ipaddr from 'ipaddr.js'
import { z } from 'zod'

/**
 * The names `TRUSTED_PROXIES` accepts besides addresses and CIDRs, as proxy-addr defines them:
 * `loopback` (127.0.0.0/8, ::1), `linklocal` (169.254.0.0/16, fe80::/10) and `uniquelocal`
 * (10/8, 172.16/12, 192.168/16, fc00::/7: a Docker or Kubernetes network).
 */
export const TRUSTED_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'] as const

/** What both apps know about the request in front of them. */
export interface ForwardedRequest {
  /** The TCP peer: `req.socket.remoteAddress`, or Socket.IO's `handshake.address`. */
  peer: string | undefined
  /** The `X-Forwarded-For` header as Node gives it (repeated headers arrive joined by commas). */
  forwardedFor: string | string[] | undefined
}

/** `TRUSTED_PROXIES`, compiled once: who may say, in `X-Forwarded-For`, whom it forwards. */
export interface ProxyTrust {
  /** The entries as configured (`[]`: no proxy is trusted), for the startup log and docs. */
  readonly proxies: readonly string[]
  /** Whether a direct peer at `address` is one of the trusted proxies. */
  trusts(address: string): boolean
  /**
   * The address a per-IP limit should count: the TCP peer, unless that peer is a trusted proxy;
   * then `X-Forwarded-For` is read from the right (the hop the proxy appended) past every
   * trusted hop, and the first untrusted one is the client. Whatever a client wrote further left
   * is never reached while an untrusted hop stands in between, so a forged header buys nothing.
   * IPv4-mapped IPv6 (`::ffff:203.0.113.7`) comes back as IPv4, so one client has one key.
   */
  clientAddress(request: ForwardedRequest): string
}

/** What a client address is when the socket is already gone and nothing else is known. */
export const UNKNOWN_CLIENT = 'unknown'

/**
 * Compiles a list of trusted proxies (addresses, CIDRs such as `10.0.0.0/8` or `10.0.0.0/255.0.0.0`,
 * or the names in {@link TRUSTED_PROXY_NAMES}). An empty list trusts no proxy: the client is
 * always the TCP peer. Throws a `TypeError` naming the first entry it cannot read.
 *
 * The matching (CIDRs, netmasks, IPv4-mapped IPv6, the named ranges) is proxy-addr's, the
 * library Express and Fastify use for `trust proxy`; only the walk is here, because proxy-addr
 * walks an `IncomingMessage` and Socket.IO keeps just the peer and the headers of its handshake.
 *
 * @example
 * const trust = createProxyTrust(['loopback'])
 * trust.clientAddress({ peer: '127.0.0.1', forwardedFor: '198.51.100.4, 203.0.113.7' })
 * // '203.0.113.7': nginx on this host appended it; '198.51.100.4' is the client's own claim
 */
export function createProxyTrust(proxies: readonly string[]): ProxyTrust {
  for (const entry of proxies) {
    if (entry === '*' || entry === 'true' || entry === 'all') {
      throw new TypeError(
        `"${entry}": trusting every peer lets any client choose its address; list the proxies`,
      )
    }
    try {
      proxyaddr.compile(entry)
    } catch {
      throw new TypeError(
        `"${entry}" is not an IP address, a CIDR (10.0.0.0/8) or one of ${TRUSTED_PROXY_NAMES.join(', ')}`,
      )
    }
  }
  const isTrusted = proxies.length === 0 ? () => false : proxyaddr.compile([...proxies])
  return {
    proxies: [...proxies],
    trusts: (address) => isTrusted(address, 0),
    clientAddress({ peer, forwardedFor }) {
      if (peer === undefined || peer === '') return UNKNOWN_CLIENT
      // Nearest first: the peer, then the header's entries from its right end.
      let client = peer
      if (isTrusted(peer, 0)) {
        const hops = [forwardedFor ?? []]
          .flat()
          .flatMap((header) => header.split(','))
          .map((hop) => hop.trim())
          .filter((hop) => hop !== '')
          .reverse()
        for (const [i, hop] of hops.entries()) {
          client = hop
          if (!isTrusted(hop, i + 1)) break
        }
      }
      return canonical(client)
    },
  }
}

/** One spelling per address: `::ffff:1.2.3.4` is `1.2.3.4`, IPv6 in its short form. */
function canonical(address: string): string {
  return ipaddr.isValid(address) ? ipaddr.process(address).toString() : address
}

/** Trusts no proxy: the client is the TCP peer. What an unset `TRUSTED_PROXIES` means. */
export const NO_TRUSTED_PROXIES: ProxyTrust = createProxyTrust([])

/**
 * `TRUSTED_PROXIES`: comma-separated addresses, CIDRs or names (see {@link createProxyTrust}).
 * Empty or unset trusts none.
 */
export const TrustedProxiesSchema = z.string().transform((raw, ctx): ProxyTrust => {
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
  try {
    return createProxyTrust(entries)
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message })
    return z.NEVER
  }
})

/**
 * The proxy part of an app's environment, read the same way by the web app and the realtime
 * server so that both count the same client for the same request.
 *
 * @example
 * const EnvSchema = z.object({ ...ProxyEnvShape }) // env.TRUSTED_PROXIES.clientAddress(...)
 */
export const ProxyEnvShape = {
  /**
   * The reverse proxies in front of this app (`127.0.0.1`, `10.0.0.0/8`, `loopback`…). Only a
   * request from one of them may name its client in `X-Forwarded-For`; unset trusts none.
   */
  TRUSTED_PROXIES: z
    .preprocess((value) => (value === '' ? undefined : value), TrustedProxiesSchema.optional())
    .transform((value) => value ?? NO_TRUSTED_PROXIES),
}
