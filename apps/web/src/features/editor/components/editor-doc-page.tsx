import { DocNameSchema } from '@duplex/protocol/collab'
import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { DemoHeader } from '@/shared/ui/demo-header'
import { SessionGate } from '@/shared/ui/session/session-gate'
import { CollabEditor } from './collab-editor'
import { EDITOR_LEDE, EDITOR_WHY } from './editor-copy'

export async function editorDocMetadata({ params }: PageProps<'/editor/[doc]'>): Promise<Metadata> {
  const { doc } = await params
  return { title: `${doc} · Editor` }
}

export async function EditorDocPage({ params }: PageProps<'/editor/[doc]'>) {
  const parsed = DocNameSchema.safeParse((await params).doc)
  if (!parsed.success) notFound()
  return (
    <>
      <DemoHeader transport="ws" title={parsed.data} lede={EDITOR_LEDE} why={EDITOR_WHY} />
      <SessionGate purpose="edit">
        <CollabEditor docName={parsed.data} />
      </SessionGate>
    </>
  )
}
