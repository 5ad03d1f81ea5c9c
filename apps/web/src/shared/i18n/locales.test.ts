import { describe, expect, it } from 'vitest'
import { localeFromCookie } from './locales'

describe('localeFromCookie', () => {
  it('takes the two locales as they are', () => {
    expect(localeFromCookie('en')).toBe('en')
    expect(localeFromCookie('zh-CN')).toBe('zh-CN')
  })

  it('reads a bare zh, and other spellings of Simplified Chinese, as zh-CN', () => {
    for (const value of ['zh', 'ZH', 'zh-cn', 'zh_CN', 'zh-Hans', 'zh-Hans-CN', 'zh-SG']) {
      expect(localeFromCookie(value), value).toBe('zh-CN')
    }
  })

  it('falls back to English for regional English, Traditional Chinese, nonsense and nothing', () => {
    for (const value of ['en-GB', 'en_US', 'zh-TW', 'zh-Hant', 'fr', '', 'zh-CN; x', undefined]) {
      expect(localeFromCookie(value), String(value)).toBe('en')
    }
  })
})
