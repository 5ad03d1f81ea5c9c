import type { Messages } from '@/features/messages'
import type { Locale } from '@/shared/i18n/locales'

// Every `t('…')` key is checked against the English catalogue, and every catalogue must match it.
declare module 'next-intl' {
  interface AppConfig {
    Locale: Locale
    Messages: Messages
  }
}
