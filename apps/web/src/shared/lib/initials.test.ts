import { describe, expect, it } from 'vitest'
import { firstGrapheme, initials } from './initials'

describe('initials', () => {
  it('takes the first letter of the first and last words', () => {
    expect(initials('Ada Lovelace')).toBe('AL')
    expect(initials('grace')).toBe('G')
    expect(initials('  Grace  Brewster Hopper ')).toBe('GH')
  })

  it('keeps emoji whole: tags, skin tones and joined sequences are one character each', () => {
    expect(initials('🏷️Ana 👩🏽‍💻')).toBe('🏷️👩🏽‍💻')
    expect(initials('👨‍👩‍👧 family')).toBe('👨‍👩‍👧F')
    expect(initials('🇨🇳')).toBe('🇨🇳')
  })

  it('works in any script, combining marks included', () => {
    expect(initials('设计 评审')).toBe('设评')
    expect(initials('Ünal Öz')).toBe('ÜÖ')
    // "e" followed by a combining acute accent is one grapheme.
    expect(initials('e\u0301mile')).toBe('E\u0301')
    expect(initials('שרה כהן')).toBe('שכ')
  })

  it('shows a question mark for an empty name', () => {
    expect(initials('')).toBe('?')
    expect(initials('   ')).toBe('?')
  })
})

describe('firstGrapheme', () => {
  it('is empty for empty text', () => {
    expect(firstGrapheme('')).toBe('')
    expect(firstGrapheme('👩🏽‍💻 rest')).toBe('👩🏽‍💻')
  })
})
