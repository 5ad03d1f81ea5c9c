import type { Locale } from '@/shared/i18n/locales'
import en from './en.json'
import zh from './zh.json'

/** The compare demo's own words; `satisfies` fails typecheck when the Chinese lacks an English key. */
export const compareMessages = { en, 'zh-CN': zh } satisfies Record<Locale, typeof en>
