import { describe, expect, it } from 'vitest'
import { formatTime } from './use-format-time'

// 14:05:09.042 local time, whatever the machine's zone.
const at = new Date(2026, 11, 7, 14, 5, 9, 42)

describe('formatTime', () => {
  it('uses a 24-hour clock in Chinese and in English', () => {
    expect(formatTime('zh-CN', at)).toBe('14:05:09')
    expect(formatTime('en', at)).toBe('14:05:09')
  })

  it('adds milliseconds for the wire panel, and can leave the seconds out', () => {
    expect(formatTime('en', at, { milliseconds: true })).toBe('14:05:09.042')
    expect(formatTime('zh-CN', at, { seconds: false })).toBe('14:05')
  })
})
