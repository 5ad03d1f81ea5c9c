import { describe, expect, it } from 'vitest'
import {
  CreateDocSchema,
  DOC_LIST_MAX_PAGE,
  DocInfoSchema,
  DocLookupSchema,
  DocListQuerySchema,
  DocNameSchema,
} from './collab.ts'

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

describe('DocListQuerySchema', () => {
  it('reads limit and cursor from a query string, with bounds', () => {
    expect(DocListQuerySchema.parse({})).toEqual({})
    expect(DocListQuerySchema.parse({ limit: '20', cursor: 'abc' })).toEqual({
      limit: 20,
      cursor: 'abc',
    })
    expect(DocListQuerySchema.safeParse({ limit: String(DOC_LIST_MAX_PAGE + 1) }).success).toBe(
      false,
    )
    expect(DocListQuerySchema.safeParse({ limit: '0' }).success).toBe(false)
    expect(DocListQuerySchema.safeParse({ limit: '2.5' }).success).toBe(false)
    expect(DocListQuerySchema.safeParse({ page: '2' }).success).toBe(false)
  })
})

describe('DocInfoSchema', () => {
  it('says who owns a document, or null for one made before documents had owners', () => {
    const base = { name: 'notes', createdAt: 1, updatedAt: 2, preview: 'Hello' }
    expect(DocInfoSchema.parse({ ...base, owner: { id: 'u_ada', name: 'Ada' } }).owner).toEqual({
      id: 'u_ada',
      name: 'Ada',
    })
    expect(DocInfoSchema.parse({ ...base, owner: null }).owner).toBeNull()
    expect(DocInfoSchema.safeParse(base).success).toBe(false)
  })
})

describe('DocLookupSchema', () => {
  it('answers a document, or what became of its name and who did it', () => {
    const by = { id: 'u_bob', name: 'Bob' }
    expect(
      DocLookupSchema.parse({ doc: null, gone: { kind: 'renamed', to: 'final', by, at: 5 } }).gone,
    ).toEqual({ kind: 'renamed', to: 'final', by, at: 5 })
    expect(
      DocLookupSchema.parse({ doc: null, gone: { kind: 'deleted', by: null, at: 5 } }).gone,
    ).toMatchObject({ kind: 'deleted', by: null })
    expect(DocLookupSchema.parse({ doc: null, gone: null })).toEqual({ doc: null, gone: null })
    // A rename names where it went, as a valid document name.
    expect(
      DocLookupSchema.safeParse({ doc: null, gone: { kind: 'renamed', to: '../x', by, at: 5 } })
        .success,
    ).toBe(false)
  })
})
