/**
 * The languages the explanatory text is written in. A locale is also the page's `<html lang>`, so
 * Chinese is `zh-CN` (Simplified) rather than a bare `zh`.
 */
export const LOCALES = ['en', 'zh-CN'] as const
export type Locale = (typeof LOCALES)[number]

export const DEFAULT_LOCALE: Locale = 'en'

/** URLs carry no locale (every path is a contract), so the reader's choice lives in this cookie. */
export const LOCALE_COOKIE = 'duplex-locale'
const ONE_YEAR_SECONDS = 60 * 60 * 24 * 365

/** Each language names itself, so a reader who cannot read the current page still finds theirs. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '中文' }
/** The same names where a phone's header has room for two or three letters. */
export const LOCALE_SHORT_NAMES: Record<Locale, string> = { en: 'EN', 'zh-CN': '中文' }
export const LOCALE_SWITCH_HINTS: Record<Locale, string> = {
  en: 'Show the explanations in English',
  'zh-CN': '以中文显示说明文字',
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

/**
 * The reader's locale from the cookie's value. Other sites and hand-written cookies name the same
 * languages differently (`zh`, `zh-Hans`, `zh_CN`, `en-GB`), so the language is matched by its
 * primary tag, Chinese only in its Simplified forms; anything missing or unknown reads as English.
 */
export function localeFromCookie(value: string | undefined): Locale {
  if (isLocale(value)) return value
  const tag = (value ?? '').trim().toLowerCase().replaceAll('_', '-')
  if (tag === 'zh' || tag === 'zh-cn' || tag === 'zh-sg' || tag.startsWith('zh-hans'))
    return 'zh-CN'
  if (tag === 'en' || tag.startsWith('en-')) return 'en'
  return DEFAULT_LOCALE
}

/** The `document.cookie` assignment that remembers a choice across reloads. */
export function localeCookie(locale: Locale): string {
  return `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=${ONE_YEAR_SECONDS}; SameSite=Lax`
}
