'use client'

import type { ReactNode } from 'react'
import { useSession } from '@/shared/hooks/use-session'
import { SignInCard } from './sign-in-card'

/** Renders `children` for a signed-in visitor, the name picker otherwise. */
export function SessionGate({ purpose, children }: { purpose: string; children: ReactNode }) {
  const { session } = useSession()
  if (!session) return <SignInCard purpose={purpose} />
  return children
}
