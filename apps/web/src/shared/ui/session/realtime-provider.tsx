'use client'

import { ApiErrorSchema } from '@duplex/protocol/errors'
import { SessionSchema } from '@duplex/protocol/session'
import { useTranslations } from 'next-intl'
import { useCallback, useMemo, useState, type ReactNode } from 'react'
import type { RealtimeConfig } from '@/shared/lib/realtime-url'
import {
  RealtimeContext,
  type ClientSession,
  type RealtimeContextValue,
  type SignInResult,
  type SignOutResult,
} from '@/shared/lib/realtime-context'

/**
 * Holds the visitor's session and the realtime server's address for the chat and editor pages.
 * The server renders it with the session it read from the cookie, so a signed-in visitor never
 * sees the sign-in form flash.
 */
export function RealtimeProvider({
  config,
  initialSession,
  initialReason,
  children,
}: {
  config: RealtimeConfig
  initialSession: ClientSession | null
  initialReason: string | null
  children: ReactNode
}) {
  const [session, setSession] = useState(initialSession)
  const [signedOutReason, setSignedOutReason] = useState(initialReason)
  const [ended, setEnded] = useState(false)
  const markEnded = useCallback(() => setEnded(true), [])
  const t = useTranslations('signIn')

  const signIn = useCallback(
    async (name: string): Promise<SignInResult> => {
      let response: Response
      try {
        response = await fetch('/api/session', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name }),
        })
      } catch {
        return { ok: false, message: t('unreachable') }
      }
      const body: unknown = await response.json().catch(() => null)
      if (!response.ok) {
        const error = ApiErrorSchema.safeParse(body)
        const issue = error.success ? error.data.error.issues?.[0]?.message : undefined
        // Too many sign-ins from this address: the server's message says so and for how long.
        if (response.status === 429 && error.success)
          return { ok: false, message: error.data.error.message }
        return { ok: false, message: issue ? t('nameIssue', { issue }) : t('refused') }
      }
      const parsed = SessionSchema.safeParse(body)
      if (!parsed.success) return { ok: false, message: t('unexpected') }
      setSession({ user: parsed.data.user, expiresAt: parsed.data.expiresAt })
      setSignedOutReason(null)
      setEnded(false)
      return { ok: true }
    },
    [t],
  )

  const signOut = useCallback(async (): Promise<SignOutResult> => {
    let response: Response
    try {
      response = await fetch('/api/session', { method: 'DELETE' })
    } catch {
      return { ok: false, problem: 'unreachable' }
    }
    // 503: the sign-out could not be stored, so the session still works everywhere; the page
    // must not pretend otherwise.
    if (!response.ok) return { ok: false, problem: 'unavailable' }
    setSession(null)
    setSignedOutReason(null)
    return { ok: true }
  }, [])

  const refresh = useCallback(async () => {
    try {
      const response = await fetch('/api/session', { cache: 'no-store' })
      const body: unknown = await response.json().catch(() => null)
      const parsed = SessionSchema.safeParse(body)
      if (response.ok && parsed.success) {
        const next = { user: parsed.data.user, expiresAt: parsed.data.expiresAt }
        setSession(next)
        setSignedOutReason(null)
        setEnded(false)
        return next
      }
      const error = ApiErrorSchema.safeParse(body)
      setSession(null)
      setSignedOutReason(error.success ? error.data.error.message : t('notSignedIn'))
      return null
    } catch {
      // Offline: keep what we have; the connection badge already says the network is down.
      return session
    }
  }, [session, t])

  const value = useMemo<RealtimeContextValue>(
    () => ({ config, session, signedOutReason, signIn, signOut, refresh, ended, markEnded }),
    [config, session, signedOutReason, signIn, signOut, refresh, ended, markEnded],
  )
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>
}
