import { describe, expect, it } from 'vitest'
import { CreateJobSchema } from './jobs.ts'

const nameError = (name: string) => {
  const result = CreateJobSchema.safeParse({ name })
  return result.success ? undefined : result.error.issues.map((i) => i.message).join('; ')
}

describe('CreateJobSchema: job names', () => {
  it('accepts names in any script, with emoji', () => {
    expect(CreateJobSchema.parse({ name: '  Rendu été 🎬 ' }).name).toBe('Rendu été 🎬')
    expect(nameError('视频 上传')).toBeUndefined()
    expect(nameError('مرحبا')).toBeUndefined()
  })

  it('refuses control characters that redraw a log line or a terminal', () => {
    expect(nameError('a\nb')).toMatch(/control/)
    expect(nameError('a\u001b[2Jb')).toMatch(/control/)
  })

  it('refuses bidi overrides and isolates that make a name read as something else', () => {
    expect(nameError('invoice\u202Efdp.exe')).toMatch(/bidirectional/)
    expect(nameError('a\u2066b\u2069')).toMatch(/bidirectional/)
    expect(nameError('a\u200Fb')).toMatch(/bidirectional/)
  })

  it('refuses unpaired surrogates, which are not text', () => {
    expect(nameError('a\uD800b')).toMatch(/surrogate/)
    expect(nameError('a\uDC00')).toMatch(/surrogate/)
  })
})
