'use client'

import { defaultKeymap, indentWithTab } from '@codemirror/commands'
import { markdown, markdownKeymap } from '@codemirror/lang-markdown'
import { EditorState, Prec } from '@codemirror/state'
import {
  EditorView,
  drawSelection,
  dropCursor,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  placeholder,
} from '@codemirror/view'
import { useEffect, useRef } from 'react'
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'
import type { CollabHandle } from '@/features/editor/hooks/use-collab-doc'
import { editorTheme, markdownHighlight } from './editor-theme'

/**
 * CodeMirror 6 bound to the shared `Y.Text` by y-codemirror.next: local edits become Yjs updates,
 * remote ones are applied as CodeMirror transactions, and other people's cursors and selections
 * are drawn from awareness. Undo goes through the Yjs undo manager (only this user's edits); the
 * built-in CodeMirror history is left out so the two can never disagree.
 */
export function CodeMirrorView({ handle, label }: { handle: CollabHandle; label: string }) {
  const parent = useRef<HTMLDivElement>(null)

  useEffect(() => {
    if (!parent.current) return
    const view = new EditorView({
      parent: parent.current,
      state: EditorState.create({
        doc: handle.text.toString(),
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightSpecialChars(),
          drawSelection(),
          dropCursor(),
          highlightActiveLine(),
          EditorView.lineWrapping,
          markdown(),
          markdownHighlight,
          Prec.high(keymap.of(yUndoManagerKeymap)),
          keymap.of([...markdownKeymap, ...defaultKeymap, indentWithTab]),
          yCollab(handle.text, handle.provider.awareness, { undoManager: handle.undoManager }),
          placeholder('Start typing. Everyone with this document open sees it as you type.'),
          EditorView.contentAttributes.of({ 'aria-label': label, 'aria-multiline': 'true' }),
          editorTheme,
        ],
      }),
    })
    return () => view.destroy()
  }, [handle, label])

  return (
    <div
      ref={parent}
      data-testid="editor"
      className="h-full min-h-0 [--cm-active:#f1f5f9] [--cm-bg:#ffffff] [--cm-border:#e2e8f0] [--cm-code:#be123c] [--cm-fg:#0f172a] [--cm-gutter-bg:#f8fafc] [--cm-heading:#5b21b6] [--cm-link:#1d4ed8] [--cm-muted-text:#475569] [--cm-muted:#64748b] [--cm-selection:#bae6fd] dark:[--cm-active:#1e293b80] dark:[--cm-bg:#0f172a] dark:[--cm-border:#1e293b] dark:[--cm-code:#fda4af] dark:[--cm-fg:#f1f5f9] dark:[--cm-gutter-bg:#020617] dark:[--cm-heading:#c4b5fd] dark:[--cm-link:#7dd3fc] dark:[--cm-muted-text:#94a3b8] dark:[--cm-muted:#94a3b8] dark:[--cm-selection:#075985] [&_.cm-editor]:h-full"
    />
  )
}
