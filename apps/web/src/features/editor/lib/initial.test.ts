import { describe, expect, it } from 'vitest'
import { initialOf } from './initial'

describe('initialOf', () => {
  it('takes the first grapheme, whole, never half an emoji or a lone accent', () => {
    expect(initialOf('ada')).toBe('A')
    expect(initialOf('👩🏽‍💻 Grace')).toBe('👩🏽‍💻')
    expect(initialOf('‹Mallory› 👩🏽‍💻')).toBe('M')
    expect(initialOf('e\u0301mile')).toBe('E\u0301')
    expect(initialOf('张伟')).toBe('张')
    expect(initialOf('   ')).toBe('?')
  })
})
