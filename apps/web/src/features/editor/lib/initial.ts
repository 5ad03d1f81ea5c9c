/**
 * The first character a reader sees in a name: its first grapheme (an emoji with its skin tone
 * and joiners, a letter with its accents, one CJK character), upper-cased where that means
 * anything. Skips leading spaces and punctuation-like symbols such as `‹`, so "‹Ada" gives "A".
 * "?" for a name with nothing to show.
 *
 * @example
 * initialOf('ada') // 'A'
 * initialOf('👩🏽‍💻 Grace') // '👩🏽‍💻'
 * initialOf('张伟') // '张'
 */
export function initialOf(name: string): string {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
  for (const { segment } of segmenter.segment(name.trim())) {
    if (/^[\p{P}\p{Z}\p{Cc}\p{Cf}]+$/u.test(segment)) continue
    return segment.toLocaleUpperCase()
  }
  return '?'
}
