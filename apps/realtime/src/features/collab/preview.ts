import { COLLAB_TEXT_KEY, DOC_PREVIEW_CHARS } from '@duplex/protocol/collab'
import type * as Y from 'yjs'

/**
 * The list's preview of a text: its first non-empty line, trimmed, cut at
 * {@link DOC_PREVIEW_CHARS} characters (code points, so an emoji is never split in half).
 *
 * @example
 * previewOfText('\n  Agenda for Monday  \nsecond line') // 'Agenda for Monday'
 */
export function previewOfText(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? ''
  return [...line.trim()].slice(0, DOC_PREVIEW_CHARS).join('')
}

/** {@link previewOfText} of the editor's shared text in `doc`. */
export function previewOfDoc(doc: Y.Doc): string {
  return previewOfText(doc.getText(COLLAB_TEXT_KEY).toString())
}
