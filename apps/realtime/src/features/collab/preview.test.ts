import { DOC_PREVIEW_CHARS } from '@duplex/protocol/collab'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { previewOfDoc, previewOfText } from './preview.ts'

describe('previewOfText', () => {
  it('takes the first non-empty line, trimmed', () => {
    expect(previewOfText('\n  Agenda for Monday  \nsecond line')).toBe('Agenda for Monday')
    expect(previewOfText('')).toBe('')
    expect(previewOfText('\n \n\t\n')).toBe('')
  })

  it('cuts long lines by characters, never inside one', () => {
    const line = '😀'.repeat(DOC_PREVIEW_CHARS + 5)
    expect([...previewOfText(line)]).toHaveLength(DOC_PREVIEW_CHARS)
    expect(previewOfText(line)).toBe('😀'.repeat(DOC_PREVIEW_CHARS))
  })
})

describe('previewOfDoc', () => {
  it('reads the text the editor binds to', () => {
    const doc = new Y.Doc()
    doc.getText('content').insert(0, '# Title\nbody')
    expect(previewOfDoc(doc)).toBe('# Title')
  })
})
