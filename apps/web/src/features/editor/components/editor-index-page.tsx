import type { Metadata } from 'next'
import { useTranslations } from 'next-intl'
import { getTranslations } from 'next-intl/server'
import { SessionGate } from '@/shared/ui/session/session-gate'
import { DocList } from './doc-list'
import { EditorHeader } from './editor-header'

export async function editorIndexMetadata(): Promise<Metadata> {
  const t = await getTranslations('editor.page')
  return { title: t('metaTitle') }
}

export function EditorIndexPage() {
  const t = useTranslations('editor.page')
  return (
    <>
      <EditorHeader />
      <SessionGate purpose={t('signInPurpose')}>
        <DocList />
      </SessionGate>
    </>
  )
}
