import { describe, expect, it } from 'vitest'
import { CreateDocSchema, DocNameSchema } from './collab.ts'

describe('DocNameSchema', () => {
  it('accepts URL-safe names up to 64 characters', () => {
    expect(DocNameSchema.safeParse('Meeting_notes-2').success).toBe(true)
    expect(DocNameSchema.safeParse('a'.repeat(64)).success).toBe(true)
    expect(DocNameSchema.safeParse('a'.repeat(65)).success).toBe(false)
  })

  it('refuses names that would change the URL path', () => {
    expect(DocNameSchema.safeParse('../secret').success).toBe(false)
    expect(DocNameSchema.safeParse('a b').success).toBe(false)
    expect(DocNameSchema.safeParse('').success).toBe(false)
  })
})

describe('CreateDocSchema', () => {
  it('takes only a name', () => {
    expect(CreateDocSchema.parse({ name: 'notes' })).toEqual({ name: 'notes' })
    expect(CreateDocSchema.safeParse({ name: 'notes', extra: 1 }).success).toBe(false)
  })
})
