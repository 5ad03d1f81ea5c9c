'use client'

import { useLocale } from 'next-intl'
import { useRouter } from 'next/navigation'
import { useTransition } from 'react'
import {
  LOCALE_NAMES,
  LOCALE_SHORT_NAMES,
  LOCALE_SWITCH_HINTS,
  localeCookie,
  type Locale,
} from '@/shared/i18n/locales'

/** The other language of the two; the switch always offers the one you are not reading. */
const OTHER: Record<Locale, Locale> = { en: 'zh-CN', 'zh-CN': 'en' }

/**
 * Offers the other language, named in that language. The choice is a cookie (URLs carry no
 * locale), and a refresh re-renders the server's text without dropping the page's live connections.
 * On a phone it shows the short name ("EN"), so the nav keeps room for its links; its accessible
 * name is the full one everywhere.
 */
export function LanguageSwitch() {
  const router = useRouter()
  const [pending, startTransition] = useTransition()
  const target = OTHER[useLocale()]
  return (
    <button
      type="button"
      lang={target}
      disabled={pending}
      onClick={() => {
        document.cookie = localeCookie(target)
        startTransition(() => router.refresh())
      }}
      title={LOCALE_SWITCH_HINTS[target]}
      className="shrink-0 rounded-md px-1.5 py-1.5 sm:px-2 text-sm font-medium text-slate-600 hover:bg-slate-100 disabled:opacity-60 dark:text-slate-300 dark:hover:bg-slate-800"
      aria-label={LOCALE_NAMES[target]}
      data-testid="language-switch"
    >
      <span className="sm:hidden">{LOCALE_SHORT_NAMES[target]}</span>
      <span className="max-sm:hidden">{LOCALE_NAMES[target]}</span>
    </button>
  )
}
