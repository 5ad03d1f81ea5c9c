import { cookies } from 'next/headers'
import { getRequestConfig } from 'next-intl/server'
import { MESSAGES } from '@/features/messages'
import { LOCALE_COOKIE, localeFromCookie } from '@/shared/i18n/locales'

/** next-intl's per-request configuration: the locale comes from the reader's cookie, never the URL. */
export default getRequestConfig(async () => {
  const locale = localeFromCookie((await cookies()).get(LOCALE_COOKIE)?.value)
  return { locale, messages: MESSAGES[locale] }
})
