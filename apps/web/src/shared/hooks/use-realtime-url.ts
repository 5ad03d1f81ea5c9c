'use client'

import { useContext, useSyncExternalStore } from 'react'
import { RealtimeContext } from '@/shared/lib/realtime-context'
import { realtimeBaseUrl } from '@/shared/lib/realtime-url'

const noSubscription = () => () => {}

/**
 * The realtime server's base URL for this page, or null while rendering on the server (the URL
 * depends on the host name the browser used, which only the browser knows).
 */
export function useRealtimeUrl(): string | null {
  const context = useContext(RealtimeContext)
  if (!context)
    throw new Error('useRealtimeUrl must be used within a RealtimeProvider (RealtimeBoundary)')
  const { publicUrl, port } = context.config
  return useSyncExternalStore(
    noSubscription,
    () => realtimeBaseUrl({ publicUrl, port }, window.location),
    () => null,
  )
}
