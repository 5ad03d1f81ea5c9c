import { describe, expect, it } from 'vitest'
import { initials } from './realtime-colors'

describe('initials', () => {
  it('takes whole grapheme clusters, never half an emoji or a bare accent', () => {
    expect(initials('Ada Lovelace')).toBe('AL')
    expect(initials('李雷')).toBe('李')
    expect(initials('‹dev› Ada 👩🏽‍💻')).toBe('D👩🏽‍💻')
    expect(initials('👩🏽‍💻')).toBe('👩🏽‍💻')
    // "É" written as E + a combining accent stays one letter with its accent.
    expect(initials('E\u0301mile')).toBe('E\u0301')
    expect(initials('🇫🇷 Zoë')).toBe('🇫🇷Z')
    expect(initials('   ')).toBe('?')
  })
})
