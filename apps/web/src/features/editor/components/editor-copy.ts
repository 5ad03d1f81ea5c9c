export const EDITOR_LEDE =
  'A Markdown document that several people edit at once. Yjs (a CRDT) merges concurrent edits without a central lock, so typing offline is fine: the edits merge when the connection is back.'

export const EDITOR_WHY = [
  'Edits and cursors flow both ways, per keystroke.',
  'Binary CRDT updates, no text framing.',
  'One long-lived connection per document.',
]
