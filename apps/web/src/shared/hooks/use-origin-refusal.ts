'use client'

import { ORIGIN_CHECK_PATH, OriginCheckSchema, type OriginCheck } from '@duplex/protocol/origin'
import { useEffect, useState } from 'react'

/** The realtime server refuses this page's origin: what to show, and where to change it. */
export interface OriginRefusal {
  /** This page's origin, as the realtime server saw it. */
  origin: string
  /** The realtime server's base URL. */
  realtimeUrl: string
  /** The variable to change (`ALLOWED_ORIGINS`). */
  setting: OriginCheck['setting']
}

/**
 * Whether a failing connection fails because the realtime server refuses this page's origin.
 * A browser hides that from scripts (a refused WebSocket or CORS request looks like a server
 * that is down), so after each failed attempt this asks the server's `GET /origin`, which any
 * page may read. Null while connected, while the server does not answer (then it is simply
 * unreachable), and when the origin is allowed.
 *
 * @example
 * const refusal = useOriginRefusal(realtimeUrl, state.failedAttempts)
 * if (refusal) return <OriginRefused refusal={refusal} />
 */
export function useOriginRefusal(
  realtimeUrl: string | null,
  failedAttempts: number,
): OriginRefusal | null {
  const [refusal, setRefusal] = useState<OriginRefusal | null>(null)
  const failing = failedAttempts > 0
  useEffect(() => {
    if (!failing || !realtimeUrl) return
    const controller = new AbortController()
    fetch(`${realtimeUrl}${ORIGIN_CHECK_PATH}`, {
      credentials: 'omit',
      cache: 'no-store',
      signal: controller.signal,
    })
      .then((response) => response.json())
      .then((body: unknown) => {
        const check = OriginCheckSchema.safeParse(body)
        if (!check.success) return
        setRefusal(
          check.data.allowed
            ? null
            : {
                origin: check.data.origin ?? window.location.origin,
                realtimeUrl,
                setting: check.data.setting,
              },
        )
      })
      // Not answering (or an older server without the route): "unreachable" says it already.
      .catch(() => undefined)
    return () => controller.abort()
    // Asked again after every failed attempt: the server may have restarted with new settings.
  }, [realtimeUrl, failing, failedAttempts])
  return failing ? refusal : null
}
