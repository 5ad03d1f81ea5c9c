const segmenter =
  typeof Intl !== 'undefined' && 'Segmenter' in Intl
    ? new Intl.Segmenter(undefined, { granularity: 'grapheme' })
    : null

/** The first user-perceived character of `text` (an emoji with its modifiers and joiners is one). */
export function firstGrapheme(text: string): string {
  if (segmenter) {
    for (const { segment } of segmenter.segment(text)) return segment
    return ''
  }
  return [...text][0] ?? ''
}

/**
 * What an avatar shows for a name: the first grapheme of its first word and, for a name of several
 * words, of its last ("Ada Lovelace" → "AL"). Graphemes, not code units or code points, so
 * "🏷️Ana 👩🏽‍💻" gives "🏷️👩🏽‍💻" rather than a broken half of each emoji. Letters are upper-cased
 * (a grapheme that has no case stays as it is); an empty name shows "?".
 */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean)
  const first = firstGrapheme(words[0] ?? '')
  if (!first) return '?'
  const second = words.length > 1 ? firstGrapheme(words[words.length - 1] ?? '') : ''
  return (first + second).toLocaleUpperCase()
}
