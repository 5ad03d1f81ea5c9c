'use client'

import { useContext } from 'react'
import { RealtimeContext, type RealtimeContextValue } from '@/shared/lib/realtime-context'

/**
 * The signed-in user and the sign-in/out actions of the chat and editor pages.
 *
 * @example
 * const { session, signIn } = useSession()
 * if (!session) return <SignInCard />
 */
export function useSession(): Omit<RealtimeContextValue, 'config'> {
  const context = useContext(RealtimeContext)
  if (!context)
    throw new Error('useSession must be used within a RealtimeProvider (RealtimeBoundary)')
  return context
}
