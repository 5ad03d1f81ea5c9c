import { BENCH_SYMBOL } from '../lib/payload.ts'
import type { ConnSpec } from './messages.ts'

// Where each stack's subscribers connect, given the server's http:// base URL: one place for the
// paths the run, the profiler and the load tasks all use.

/** The ticker's Next route handler, following the bench symbol. */
export const nextStreamUrl = (base: string) => `${base}/api/ticker/stream?symbols=${BENCH_SYMBOL}`

/** B2's event stream. */
export const b2StreamUrl = (base: string) => `${base}/sub`

/** B1 as a subscriber, or (`pub`) as the publisher. */
export const b1SocketUrl = (base: string, role: 'sub' | 'pub' = 'sub') =>
  `${base.replace(/^http/, 'ws')}/?role=${role}`

export const nextSpec = (base: string): ConnSpec => ({ kind: 'sse', url: nextStreamUrl(base) })
export const b2Spec = (base: string): ConnSpec => ({ kind: 'sse', url: b2StreamUrl(base) })
export const b1Spec = (base: string): ConnSpec => ({ kind: 'ws', url: b1SocketUrl(base) })
