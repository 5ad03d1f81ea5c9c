import Link from 'next/link'
import type { Metadata } from 'next'
import { useTranslations } from 'next-intl'
import { getTranslations } from 'next-intl/server'

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('notFound')
  return { title: t('title') }
}

/** Every unknown URL: the site's own header and footer, and a way back. */
export default function NotFound() {
  const t = useTranslations('notFound')
  return (
    <section
      aria-labelledby="not-found-title"
      className="mx-auto max-w-xl py-16 text-center"
      data-testid="not-found"
    >
      <p className="font-mono text-sm font-semibold text-sky-600 dark:text-sky-400">404</p>
      <h1 id="not-found-title" className="mt-2 text-3xl font-bold tracking-tight sm:text-4xl">
        {t('heading')}
      </h1>
      <p className="mt-4 text-slate-600 dark:text-slate-300">{t('body')}</p>
      <Link
        href="/"
        className="mt-8 inline-block rounded-md bg-slate-900 px-4 py-2 text-sm font-semibold text-white hover:bg-slate-700 dark:bg-white dark:text-slate-900 dark:hover:bg-slate-200"
      >
        {t('home')}
      </Link>
    </section>
  )
}
