import type { ReactNode } from 'react'
import { RealtimeBoundary } from '@/components/session/realtime-boundary'

export default function EditorLayout({ children }: { children: ReactNode }) {
  return <RealtimeBoundary>{children}</RealtimeBoundary>
}
