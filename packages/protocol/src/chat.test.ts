import { describe, expect, it } from 'vitest'
import {
  ClientAckSchemas,
  ClientEventSchemas,
  LoadHistorySchema,
  RoomIdSchema,
  RoomNameSchema,
  graphemeLength,
  roomSlugBase,
  SendMessageAckSchema,
  SendMessageSchema,
  chatTextLength,
} from './chat.ts'
import { describeZodError } from './errors.ts'

describe('RoomIdSchema', () => {
  it('accepts slugs and refuses everything else', () => {
    expect(RoomIdSchema.safeParse('general').success).toBe(true)
    expect(RoomIdSchema.safeParse('team-42').success).toBe(true)
    expect(RoomIdSchema.safeParse('General').success).toBe(false)
    expect(RoomIdSchema.safeParse('a b').success).toBe(false)
    expect(RoomIdSchema.safeParse('').success).toBe(false)
    expect(RoomIdSchema.safeParse('a'.repeat(41)).success).toBe(false)
  })
})

describe('RoomNameSchema', () => {
  it('keeps any script and emoji exactly as typed, up to 64 grapheme clusters', () => {
    for (const name of ['ÜBER café', '设计评审', 'غرفة التصميم', '../etc', '👩🏽‍💻 team']) {
      expect(RoomNameSchema.parse(name)).toBe(name)
    }
    expect(RoomNameSchema.safeParse('👩🏽‍💻'.repeat(64)).success).toBe(true)
    expect(graphemeLength('👩🏽‍💻 café')).toBe(6)
  })

  it('refuses, never trims or cuts: too long, blank, edge spaces, control characters', () => {
    const refusal = (name: string) => {
      const result = RoomNameSchema.safeParse(name)
      return result.success ? null : describeZodError(result.error)
    }
    expect(refusal('x'.repeat(65))).toMatch(/at most 64/)
    expect(refusal('   ')).toMatch(/empty/)
    expect(refusal(' padded')).toMatch(/space/)
    expect(refusal('a\u0000b')).toMatch(/control/)
    expect(refusal('a\u202Eb')).toMatch(/control/)
  })
})

describe('roomSlugBase', () => {
  it('derives a URL-safe slug, leaving the name alone', () => {
    expect(roomSlugBase('ÜBER café')).toBe('uber-cafe')
    expect(roomSlugBase('../etc')).toBe('etc')
    expect(roomSlugBase('设计评审')).toBe('room')
    expect(roomSlugBase('general')).toBe('general')
    for (const name of ['x'.repeat(80), '-- a b c --', '🎉']) {
      expect(RoomIdSchema.safeParse(roomSlugBase(name)).success).toBe(true)
    }
  })
})

describe('SendMessageSchema', () => {
  it('names the bad field in the error', () => {
    const result = SendMessageSchema.safeParse({ roomId: 'general', text: 42, clientId: 'c1' })
    expect(result.success).toBe(false)
    if (!result.success) expect(describeZodError(result.error)).toMatch(/^text: /)
  })

  it('refuses a blank text but keeps the text as sent', () => {
    expect(
      SendMessageSchema.safeParse({ roomId: 'general', text: ' \n ', clientId: 'c1' }).success,
    ).toBe(false)
    expect(
      SendMessageSchema.parse({ roomId: 'general', text: '  indented', clientId: 'c1' }).text,
    ).toBe('  indented')
  })

  it('refuses a clientId that is not URL-safe', () => {
    expect(
      SendMessageSchema.safeParse({ roomId: 'general', text: 'hi', clientId: 'a/b' }).success,
    ).toBe(false)
  })
})

describe('LoadHistorySchema', () => {
  it('caps limit at 100 and lets before and limit be omitted', () => {
    expect(LoadHistorySchema.safeParse({ roomId: 'general' }).success).toBe(true)
    expect(LoadHistorySchema.safeParse({ roomId: 'general', limit: 101 }).success).toBe(false)
    expect(LoadHistorySchema.safeParse({ roomId: 'general', before: 0 }).success).toBe(false)
  })
})

describe('ack schemas', () => {
  it('accept an ok result and an error, and nothing in between', () => {
    const message = {
      id: 1,
      seq: 1,
      roomId: 'general',
      userId: 'u1',
      userName: 'Ada',
      text: 'hi',
      ts: 1,
      clientId: 'c1',
    }
    expect(SendMessageAckSchema.safeParse({ ok: true, message }).success).toBe(true)
    expect(
      SendMessageAckSchema.safeParse({
        ok: false,
        error: { code: 'rate_limited', message: 'slow down' },
      }).success,
    ).toBe(true)
    expect(SendMessageAckSchema.safeParse({ ok: true }).success).toBe(false)
    expect(
      SendMessageAckSchema.safeParse({ ok: false, error: { code: 'nope', message: '' } }).success,
    ).toBe(false)
  })

  it('exist for every client event', () => {
    expect(Object.keys(ClientAckSchemas).sort()).toEqual(Object.keys(ClientEventSchemas).sort())
  })
})

describe('chatTextLength', () => {
  it('counts an emoji once', () => {
    expect(chatTextLength('hi 👋')).toBe(4)
  })
})
