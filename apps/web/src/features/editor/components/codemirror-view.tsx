'use client'

import { defaultKeymap, indentWithTab } from '@codemirror/commands'
import { markdown, markdownKeymap } from '@codemirror/lang-markdown'
import { Compartment, EditorState, Prec } from '@codemirror/state'
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
import { recentNameTags } from './name-tags'

/** What CodeMirror may edit: everything, or nothing (the document was deleted or renamed). */
function editability(readOnly: boolean) {
  return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]
}

export interface CodeMirrorViewProps {
  handle: CollabHandle
  /** The text box's accessible name. */
  label: string
  /** Shown in an empty document. */
  placeholderText: string
  /** Id of the element that says how to leave the editor (Tab indents), for aria-describedby. */
  describedBy: string
  /** Refuse every edit, at once, keeping the text as it is (the document is gone). */
  readOnly: boolean
}

/**
 * CodeMirror 6 bound to the shared `Y.Text` by y-codemirror.next: local edits become Yjs updates,
 * remote ones are applied as CodeMirror transactions, and other people's cursors and selections
 * are drawn from awareness. Undo goes through the Yjs undo manager (only this user's edits); the
 * built-in CodeMirror history is left out so the two can never disagree.
 *
 * `readOnly` is a compartment: switching it reconfigures the live view (no new view, so the text,
 * the scroll position and the selection stay).
 */
export function CodeMirrorView({
  handle,
  label,
  placeholderText,
  describedBy,
  readOnly,
}: CodeMirrorViewProps) {
  const parent = useRef<HTMLDivElement>(null)
  const viewRef = useRef<EditorView | null>(null)
  const editable = useRef(new Compartment())
  const readOnlyNow = useRef(readOnly)
  readOnlyNow.current = readOnly

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
          recentNameTags(handle.provider.awareness),
          editable.current.of(editability(readOnlyNow.current)),
          placeholder(placeholderText),
          EditorView.contentAttributes.of({
            'aria-label': label,
            'aria-multiline': 'true',
            'aria-describedby': describedBy,
          }),
          editorTheme,
        ],
      }),
    })
    viewRef.current = view
    return () => {
      viewRef.current = null
      view.destroy()
    }
  }, [handle, label, placeholderText, describedBy])

  useEffect(() => {
    const view = viewRef.current
    if (!view) return
    view.dispatch({ effects: editable.current.reconfigure(editability(readOnly)) })
    view.contentDOM.setAttribute('aria-readonly', String(readOnly))
  }, [readOnly])

  return (
    <div
      ref={parent}
      data-testid="editor"
      data-readonly={readOnly ? 'true' : undefined}
      className="h-full min-h-0 [--cm-active:#f1f5f9] [--cm-bg:#ffffff] [--cm-border:#e2e8f0] [--cm-code:#be123c] [--cm-fg:#0f172a] [--cm-focus:#2563eb] [--cm-gutter-bg:#f8fafc] [--cm-heading:#5b21b6] [--cm-link:#1d4ed8] [--cm-muted-text:#475569] [--cm-muted:#64748b] [--cm-selection:#bae6fd] dark:[--cm-active:#1e293b80] dark:[--cm-bg:#0f172a] dark:[--cm-border:#1e293b] dark:[--cm-code:#fda4af] dark:[--cm-fg:#f1f5f9] dark:[--cm-focus:#60a5fa] dark:[--cm-gutter-bg:#020617] dark:[--cm-heading:#c4b5fd] dark:[--cm-link:#7dd3fc] dark:[--cm-muted-text:#94a3b8] dark:[--cm-muted:#94a3b8] dark:[--cm-selection:#075985] [&_.cm-editor]:h-full"
    />
  )
}
