import { describe, expect, it } from 'vitest'
import { redactUrl } from './redact-url.ts'

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgres://app:secret@db:5432/duplex')).toBe(
      'postgres://app:***@db:5432/duplex',
    )
    expect(redactUrl('redis://:secret@127.0.0.1:6379/2')).toBe('redis://:***@127.0.0.1:6379/2')
  })

  it('leaves a URL without a password alone and never echoes an unparseable one', () => {
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379')
    expect(redactUrl('not a url with secret')).toBe('(unparseable URL)')
  })
})
