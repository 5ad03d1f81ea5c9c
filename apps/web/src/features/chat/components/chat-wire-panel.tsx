'use client'

import { useTranslations } from 'next-intl'
import { RICH_TAGS } from '@/shared/ui/rich-text'
import { WirePanel } from '@/shared/ui/wire-panel'
import { useRealtimeWire } from '@/features/chat/hooks/use-realtime-wire'

export function ChatWirePanel() {
  const log = useRealtimeWire()
  const t = useTranslations('chat')
  return <WirePanel log={log} description={t.rich('wire', RICH_TAGS)} />
}
