import { useTranslations } from 'next-intl'
import type { ReactNode } from 'react'

/** A code name inside a guide item: paths stay as they are in every language. */
const TAGS = {
  code: (chunks: ReactNode) => <code className="font-mono text-xs">{chunks}</code>,
}

/** Beside the document list: what opening a document does on the wire. */
export function SyncGuide() {
  const t = useTranslations('editor.guide')
  return (
    <aside className="rounded-xl border border-slate-200 bg-white p-4 text-sm text-slate-700 shadow-sm dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300">
      <h2 className="mb-2 font-semibold text-slate-900 dark:text-slate-100">{t('title')}</h2>
      <ol className="list-decimal space-y-2 pl-5">
        <li>{t.rich('connect', { ...TAGS, name: '<name>' })}</li>
        <li>{t('swap')}</li>
        <li>{t('update')}</li>
        <li>{t('awareness')}</li>
      </ol>
      <p className="mt-3 text-slate-500 dark:text-slate-400">{t.rich('list', TAGS)}</p>
    </aside>
  )
}
