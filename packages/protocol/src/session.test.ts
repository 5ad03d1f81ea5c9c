import { describe, expect, it } from 'vitest'
import { CreateSessionSchema, SessionUserSchema, UserNameSchema } from './session.ts'

describe('UserNameSchema', () => {
  it('trims the name it accepts', () => {
    expect(UserNameSchema.parse('  Ada Lovelace ')).toBe('Ada Lovelace')
  })

  it('refuses a name that is empty after trimming', () => {
    expect(UserNameSchema.safeParse('   ').success).toBe(false)
  })

  it('counts characters, not UTF-16 units, against the 40 limit', () => {
    expect(UserNameSchema.safeParse('😀'.repeat(40)).success).toBe(true)
    expect(UserNameSchema.safeParse('a'.repeat(41)).success).toBe(false)
  })

  it('refuses control characters such as a newline or ESC', () => {
    expect(UserNameSchema.safeParse('Ada\nBob').success).toBe(false)
    expect(UserNameSchema.safeParse('Ada\u001b[2J').success).toBe(false)
    expect(UserNameSchema.safeParse('Ada\u0085').success).toBe(false)
  })

  it('accepts names in any script', () => {
    expect(UserNameSchema.parse('李雷')).toBe('李雷')
  })
})

describe('SessionUserSchema', () => {
  it('needs a non-empty id', () => {
    expect(SessionUserSchema.safeParse({ id: '', name: 'Ada' }).success).toBe(false)
    expect(SessionUserSchema.parse({ id: 'u_1', name: 'Ada' })).toEqual({ id: 'u_1', name: 'Ada' })
  })
})

describe('CreateSessionSchema', () => {
  it('rejects unknown fields so a client cannot pick its own id', () => {
    expect(CreateSessionSchema.safeParse({ name: 'Ada', id: 'admin' }).success).toBe(false)
  })
})
