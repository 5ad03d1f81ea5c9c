import { getTranslations } from 'next-intl/server'
import type { ReactNode } from 'react'
import { env } from '@/shared/env'
import { currentSession } from '@/shared/server/session'
import { RealtimeProvider } from './realtime-provider'
import { SessionUnavailable } from './session-unavailable'

/**
 * Server half of the realtime pages: reads the session from the cookie and the realtime server's
 * address from the environment (at request time, so one build runs on any port), and hands both
 * to the client provider. The token is deliberately not passed down.
 */
export async function RealtimeBoundary({ children }: { children: ReactNode }) {
  const [lookup, t] = await Promise.all([currentSession(), getTranslations('signIn')])
  // Whether the session is still good cannot be told (a store is down): say so, do not ask for a
  // name (signing in would be refused for the same reason).
  if (!lookup.ok && lookup.reason === 'unavailable') {
    return <SessionUnavailable detail={lookup.message} />
  }
  const session = lookup.ok
    ? { user: lookup.session.user, expiresAt: lookup.session.expiresAt }
    : null
  // A visitor who never signed in needs no explanation; an expired or forged cookie does.
  const reason =
    !lookup.ok && lookup.reason !== 'missing' ? t('ended', { reason: lookup.message }) : null
  return (
    <RealtimeProvider
      config={{ publicUrl: env.REALTIME_PUBLIC_URL, port: env.REALTIME_PORT }}
      initialSession={session}
      initialReason={reason}
    >
      {children}
    </RealtimeProvider>
  )
}
