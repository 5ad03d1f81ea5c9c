import en from '../../messages/en.json'
import zh from '../../messages/zh.json'
import type { Locale } from '@/shared/i18n/locales'
import { chatMessages } from './chat/messages/index.ts' // demo:chat
import { compareMessages } from './compare/messages/index.ts' // demo:compare
import { editorMessages } from './editor/messages/index.ts' // demo:editor
import { progressMessages } from './progress/messages/index.ts' // demo:progress
import { tickerMessages } from './ticker/messages/index.ts' // demo:ticker

/** The site's own words (home, comparison, decision tree, 404, header); the Chinese must match. */
const shared = { en, 'zh-CN': zh } satisfies Record<Locale, typeof en>

/**
 * One catalogue per language: the shared words, then each demo's under its own name. Removing a
 * demo is deleting its import and its line, and the `t('…')` keys it used go with its folder.
 */
function catalogue(locale: Locale) {
  return {
    ...shared[locale],
    ticker: tickerMessages[locale], // demo:ticker
    progress: progressMessages[locale], // demo:progress
    chat: chatMessages[locale], // demo:chat
    editor: editorMessages[locale], // demo:editor
    compare: compareMessages[locale], // demo:compare
  }
}

/** The English catalogue's shape: next-intl checks every key against it (src/i18n/app-config.d.ts). */
export type Messages = ReturnType<typeof catalogue>

export const MESSAGES: Record<Locale, Messages> = {
  en: catalogue('en'),
  'zh-CN': catalogue('zh-CN'),
}
