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

/**
 * The guide's comparison: a three-column table where there is room for one, and on a phone the
 * same rows stacked (each aspect, then SSE and WebSocket under it), so nothing is off screen.
 */
export function ComparisonTable() {
  const t = useTranslations('comparison')
  return (
    <>
      <ComparisonStack />
      <div className="mt-4 hidden overflow-x-auto rounded-xl border border-slate-200 shadow-sm sm:block dark:border-slate-800">
        <table className="w-full text-left text-sm">
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
    </>
  )
}

/** The phone's version: one card per aspect, both transports labelled inside it. */
function ComparisonStack() {
  const t = useTranslations('comparison')
  return (
    <ul
      aria-label={t('caption')}
      data-testid="comparison-stack"
      className="mt-4 grid gap-3 sm:hidden"
    >
      {ROWS.map((row) => (
        <li
          key={row.id}
          className="rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm dark:border-slate-800 dark:bg-slate-900"
        >
          <h3 className="font-semibold">{t(`rows.${row.id}.aspect`)}</h3>
          <dl className="mt-2 grid gap-2">
            <div>
              <dt className="text-xs font-semibold tracking-wide text-sse-700 uppercase dark:text-sse-100">
                {t('sse')}
              </dt>
              <dd>{t(`rows.${row.id}.sse`)}</dd>
            </div>
            <div>
              <dt className="text-xs font-semibold tracking-wide text-ws-700 uppercase dark:text-ws-100">
                {t('ws')}
              </dt>
              <dd>
                {t(`rows.${row.id}.ws`)}
                {row.note && (
                  <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
                    {t('note')} {t(`rows.${row.id}.note`)}
                  </p>
                )}
              </dd>
            </div>
          </dl>
        </li>
      ))}
    </ul>
  )
}
