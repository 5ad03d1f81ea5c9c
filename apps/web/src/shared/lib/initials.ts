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
 * The first grapheme of a word that is not punctuation ("‹dev›" → "d"), or of the word itself when
 * it is all punctuation.
 */
function initialOf(word: string): string {
  const graphemes = segmenter ? Array.from(segmenter.segment(word), (s) => s.segment) : [...word]
  return graphemes.find((g) => !/^\p{P}+$/u.test(g)) ?? graphemes[0] ?? ''
}

/**
 * What an avatar shows for a name: the first grapheme of its first word and, for a name of several
 * words, of its last ("Ada Lovelace" → "AL"). Graphemes, not code units or code points, so
 * "🏷️Ana 👩🏽‍💻" gives "🏷️👩🏽‍💻" rather than a broken half of each emoji; leading punctuation is
 * skipped ("‹dev› Ada" → "DA"). Letters are upper-cased (a grapheme without case stays as it is);
 * an empty name shows "?".
 */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean)
  const first = initialOf(words[0] ?? '')
  if (!first) return '?'
  const second = words.length > 1 ? initialOf(words[words.length - 1] ?? '') : ''
  return (first + second).toLocaleUpperCase()
}
