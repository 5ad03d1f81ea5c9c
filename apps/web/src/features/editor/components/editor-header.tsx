import { useTranslations } from 'next-intl'
import { DemoHeader } from '@/shared/ui/demo-header'

/** The words at the top of the editor pages, shared by the list and each document. */
export function EditorHeader({ title }: { title?: string }) {
  const t = useTranslations('editor.page')
  return (
    <DemoHeader
      transport="ws"
      title={title ?? t('title')}
      lede={t('lede')}
      why={[t('why.both'), t('why.binary'), t('why.longLived')]}
    />
  )
}
