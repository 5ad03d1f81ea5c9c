import { useTranslations } from 'next-intl'
import type { ReactNode } from 'react'

/** A code name inside a guide item: the event names stay as they are in every language. */
const TAGS = {
  code: (chunks: ReactNode) => <code className="font-mono text-xs">{chunks}</code>,
}

/** What happens on the wire when you use the chat, in the guide's own event names. */
export function LobbyGuide() {
  const t = useTranslations('chat.guide')
  return (
    <section
      aria-labelledby="lobby-guide-title"
      className="rounded-xl border border-slate-200 bg-white p-4 text-sm text-slate-700 shadow-sm dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300"
    >
      <h2 id="lobby-guide-title" className="mb-2 font-semibold text-slate-900 dark:text-slate-100">
        {t('title')}
      </h2>
      <ol className="grid list-decimal gap-2 pl-5 sm:grid-cols-2 sm:gap-x-8">
        <li>{t.rich('join', TAGS)}</li>
        <li>{t.rich('send', TAGS)}</li>
        <li>{t.rich('typing', TAGS)}</li>
        <li>{t.rich('recovery', TAGS)}</li>
      </ol>
      <p className="mt-3 text-slate-500 dark:text-slate-400">{t('tryIt')}</p>
    </section>
  )
}
