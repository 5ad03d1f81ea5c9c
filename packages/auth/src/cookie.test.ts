import { describe, expect, it } from 'vitest'
import { readCookie, readSessionCookie } from './cookie.ts'

describe('readSessionCookie', () => {
  it('finds duplex_session among other cookies', () => {
    expect(readSessionCookie('theme=dark; duplex_session=abc.def.ghi; other=1')).toBe('abc.def.ghi')
  })

  it('returns undefined when the header or the cookie is missing or empty', () => {
    expect(readSessionCookie(undefined)).toBeUndefined()
    expect(readSessionCookie('')).toBeUndefined()
    expect(readSessionCookie('theme=dark')).toBeUndefined()
    expect(readSessionCookie('duplex_session=')).toBeUndefined()
  })

  it('does not match a cookie whose name merely ends the same way', () => {
    expect(readSessionCookie('not_duplex_session=x')).toBeUndefined()
  })
})

describe('readCookie', () => {
  it('decodes percent escapes and strips quotes', () => {
    expect(readCookie('a=%20b%3D', 'a')).toBe(' b=')
    expect(readCookie('a="quoted"', 'a')).toBe('quoted')
  })

  it('hands back a malformed escape instead of throwing', () => {
    expect(readCookie('a=%E0%A4%A', 'a')).toBe('%E0%A4%A')
  })
})
