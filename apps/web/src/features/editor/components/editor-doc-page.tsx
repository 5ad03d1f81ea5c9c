import { DocNameSchema } from '@duplex/protocol/collab'
import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { SessionGate } from '@/shared/ui/session/session-gate'
import { Suspense } from 'react'
import { DocGate } from './doc-gate'
import { EditorHeader } from './editor-header'

export async function editorDocMetadata({ params }: PageProps<'/editor/[doc]'>): Promise<Metadata> {
  const [{ doc }, t] = await Promise.all([params, getTranslations('editor.page')])
  return { title: t('docMetaTitle', { doc }) }
}

export async function EditorDocPage({ params }: PageProps<'/editor/[doc]'>) {
  const parsed = DocNameSchema.safeParse((await params).doc)
  if (!parsed.success) notFound()
  const t = await getTranslations('editor.page')
  return (
    <>
      <EditorHeader title={parsed.data} />
      <SessionGate purpose={t('signInPurpose')}>
        <Suspense>
          <DocGate docName={parsed.data} />
        </Suspense>
      </SessionGate>
    </>
  )
}
