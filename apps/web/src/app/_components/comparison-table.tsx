import { useTranslations } from 'next-intl'

/** The rows of the guide's tables, in order; the words are in messages (`comparison.rows.<id>`). */
const ROWS = [
  { id: 'direction', note: true },
  { id: 'protocol', note: false },
  { id: 'reconnection', note: true },
  { id: 'data', note: true },
  { id: 'proxies', note: true },
  { id: 'connections', note: true },
  { id: 'support', note: false },
  { id: 'bestFor', note: false },
] as const

export function ComparisonTable() {
  const t = useTranslations('comparison')
  return (
    <div className="mt-4 overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <table className="w-full min-w-[40rem] text-left text-sm">
        <caption className="sr-only">{t('caption')}</caption>
        <thead className="bg-slate-50 text-xs tracking-wide text-slate-600 uppercase dark:bg-slate-800/60 dark:text-slate-300">
          <tr>
            <th scope="col" className="px-4 py-3 font-semibold">
              {t('aspect')}
            </th>
            <th scope="col" className="px-4 py-3 font-semibold">
              {t('sse')}
            </th>
            <th scope="col" className="px-4 py-3 font-semibold">
              {t('ws')}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {ROWS.map((row) => (
            <tr key={row.id} className="align-top">
              <th scope="row" className="px-4 py-3 font-semibold whitespace-nowrap">
                {t(`rows.${row.id}.aspect`)}
              </th>
              <td className="px-4 py-3">{t(`rows.${row.id}.sse`)}</td>
              <td className="px-4 py-3">
                {t(`rows.${row.id}.ws`)}
                {row.note && (
                  <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
                    {t('note')} {t(`rows.${row.id}.note`)}
                  </p>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
