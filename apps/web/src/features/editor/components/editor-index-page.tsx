import type { Metadata } from 'next'
import { DemoHeader } from '@/shared/ui/demo-header'
import { SessionGate } from '@/shared/ui/session/session-gate'
import { DocList } from './doc-list'
import { EDITOR_LEDE, EDITOR_WHY } from './editor-copy'

export const editorIndexMetadata: Metadata = { title: 'Collaborative editor over WebSocket' }

export function EditorIndexPage() {
  return (
    <>
      <DemoHeader transport="ws" title="Collaborative editor" lede={EDITOR_LEDE} why={EDITOR_WHY} />
      <SessionGate purpose="edit">
        <DocList />
      </SessionGate>
    </>
  )
}
