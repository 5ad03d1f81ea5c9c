import type { Metadata } from 'next'
import { DemoHeader } from '@/components/demo-header'
import { SessionGate } from '@/components/session/session-gate'
import { DocList } from './_components/doc-list'
import { EDITOR_LEDE, EDITOR_WHY } from './_components/editor-copy'

export const metadata: Metadata = { title: 'Collaborative editor over WebSocket' }

export default function EditorIndexPage() {
  return (
    <>
      <DemoHeader transport="ws" title="Collaborative editor" lede={EDITOR_LEDE} why={EDITOR_WHY} />
      <SessionGate purpose="edit">
        <DocList />
      </SessionGate>
    </>
  )
}
