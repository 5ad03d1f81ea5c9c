import { useTranslations } from 'next-intl'
import type { ReactNode } from 'react'
import { DemoHeader } from '@/shared/ui/demo-header'

/** The words at the top of the chat pages, shared by the lobby and each room. */
export function ChatHeader({ title }: { title?: ReactNode }) {
  const t = useTranslations('chat.page')
  return (
    <DemoHeader
      transport="ws"
      title={title ?? t('title')}
      lede={t('lede')}
      why={[t('why.both'), t('why.fast'), t('why.socketIo')]}
    />
  )
}
