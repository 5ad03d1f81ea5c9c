import { HighlightStyle, syntaxHighlighting } from '@codemirror/language'
import { EditorView } from '@codemirror/view'
import { tags } from '@lezer/highlight'

/*
 * The editor follows the page's light/dark class through CSS variables set on its wrapper
 * (see `CodeMirrorView`), so one theme serves both and switching needs no reconfiguration.
 */

export const editorTheme = EditorView.theme({
  '&': {
    color: 'var(--cm-fg)',
    backgroundColor: 'var(--cm-bg)',
    fontSize: '14px',
    height: '100%',
  },
  // A visible focus ring when the text box has keyboard focus (the content is what takes focus).
  '&.cm-focused': { outline: 'none' },
  '&:has(.cm-content:focus-visible)': {
    outline: '2px solid var(--cm-focus)',
    outlineOffset: '-2px',
  },
  '.cm-scroller': {
    fontFamily: 'var(--font-mono, ui-monospace, monospace)',
    lineHeight: '1.6',
  },
  '.cm-content': { padding: '12px 0', caretColor: 'var(--cm-fg)' },
  '.cm-line': { padding: '0 16px' },
  '.cm-gutters': {
    backgroundColor: 'var(--cm-gutter-bg)',
    color: 'var(--cm-muted)',
    borderRight: '1px solid var(--cm-border)',
  },
  '.cm-placeholder': { color: 'var(--cm-muted)' },
  '.cm-activeLine': { backgroundColor: 'var(--cm-active)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--cm-active)', color: 'var(--cm-fg)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--cm-fg)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection':
    { backgroundColor: 'var(--cm-selection)' },
  // Remote carets: the name tag sits above the caret, over the line before, so it shows only for a
  // moment after that person moved (`data-recent`, see name-tags.ts) and while hovered; it never
  // takes the pointer from the text under it.
  '.cm-ySelectionInfo': {
    fontFamily: 'var(--font-sans, system-ui, sans-serif)',
    fontSize: '11px',
    fontWeight: '600',
    padding: '1px 4px',
    borderRadius: '3px 3px 3px 0',
    top: '-1.35em',
    pointerEvents: 'none',
  },
  '.cm-ySelectionCaret[data-recent] > .cm-ySelectionInfo': { opacity: '1' },
})

/** Markdown colours with enough contrast on both backgrounds (values live in the CSS variables). */
export const markdownHighlight = syntaxHighlighting(
  HighlightStyle.define([
    { tag: tags.heading1, fontWeight: '700', fontSize: '1.3em', color: 'var(--cm-heading)' },
    { tag: tags.heading2, fontWeight: '700', fontSize: '1.15em', color: 'var(--cm-heading)' },
    {
      tag: [tags.heading3, tags.heading4, tags.heading5, tags.heading6],
      fontWeight: '700',
      color: 'var(--cm-heading)',
    },
    { tag: tags.strong, fontWeight: '700' },
    { tag: tags.emphasis, fontStyle: 'italic' },
    { tag: tags.strikethrough, textDecoration: 'line-through' },
    { tag: [tags.link, tags.url], color: 'var(--cm-link)', textDecoration: 'underline' },
    { tag: tags.monospace, color: 'var(--cm-code)' },
    { tag: tags.quote, color: 'var(--cm-muted-text)', fontStyle: 'italic' },
    {
      tag: [tags.processingInstruction, tags.meta, tags.contentSeparator],
      color: 'var(--cm-muted-text)',
    },
  ]),
)
