import type { ReactNode } from 'react'
import { RealtimeBoundary } from '@/shared/ui/session/realtime-boundary'

export function EditorLayout({ children }: { children: ReactNode }) {
  return <RealtimeBoundary>{children}</RealtimeBoundary>
}
