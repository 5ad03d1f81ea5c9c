import type { ConnSpec } from './messages.ts'

// Where each baseline's subscribers connect, given the server's http:// base URL: one place for
// the paths the run, the profiler and the load tasks all use.

/** B2's event stream. */
export const b2StreamUrl = (base: string) => `${base}/sub`

/** B1 as a subscriber, or (`pub`) as the publisher. */
export const b1SocketUrl = (base: string, role: 'sub' | 'pub' = 'sub') =>
  `${base.replace(/^http/, 'ws')}/?role=${role}`

export const b2Spec = (base: string): ConnSpec => ({ kind: 'sse', url: b2StreamUrl(base) })
export const b1Spec = (base: string): ConnSpec => ({ kind: 'ws', url: b1SocketUrl(base) })

/** B3 (the bare Next app) and better-sse serve their event stream at the same path as B2. */
export const b3Spec = (base: string): ConnSpec => ({ kind: 'sse', url: `${base}/sub` })
export const bsseSpec = (base: string): ConnSpec => ({ kind: 'sse', url: `${base}/sub` })
