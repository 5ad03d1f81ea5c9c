'use client'

import type { SessionUser } from '@duplex/protocol/session'
import { createContext } from 'react'
import type { RealtimeConfig } from '@/shared/lib/realtime-url'

/**
 * What the page knows about the visitor. The token itself stays in the httpOnly cookie; the page
 * only asks for it when the realtime server lives on another host (see `realtime-auth.ts`).
 */
export interface ClientSession {
  user: SessionUser
  /** ms since the epoch. */
  expiresAt: number
}

export type SignInResult = { ok: true } | { ok: false; message: string }

/**
 * `unavailable`: the server could not record the sign-out (503); `unreachable`: no answer. The
 * visitor is still signed in either way, and the page must say so.
 */
export type SignOutResult = { ok: true } | { ok: false; problem: 'unavailable' | 'unreachable' }

export interface RealtimeContextValue {
  config: RealtimeConfig
  session: ClientSession | null
  /** Why there is no session, when the server said so (e.g. `token expired`). */
  signedOutReason: string | null
  signIn(name: string): Promise<SignInResult>
  signOut(): Promise<SignOutResult>
  /** Asks the web app again who is signed in, e.g. after the realtime server refused a connection. */
  refresh(): Promise<ClientSession | null>
  /**
   * True once a live connection was closed because this session ended (signed out in another tab,
   * or expired): the page stops naming the user as signed in, until a sign-in or refresh finds a
   * session again.
   */
  ended: boolean
  markEnded(): void
}

export const RealtimeContext = createContext<RealtimeContextValue | null>(null)
