import Link from 'next/link'
import type { Route } from 'next'
import { useTranslations, type Messages } from 'next-intl'
import { TransportTag, type Transport } from '@/shared/ui/transport-tag'
import { ComparisonTable } from './_components/comparison-table'
import { SameUpdateOnEachWire } from './_components/same-update'
import { DecisionTree } from './_components/decision-tree'

/** The demos whose messages have a home-page card; removing a demo drops it from this union. */
type CardDemo = {
  [Name in keyof Messages]: Messages[Name] extends { card: unknown } ? Name : never
}[keyof Messages]

/** Each demo's card; its words are the demo's own messages (`<demo>.card`). */
const DEMOS: { href: Route; demo: CardDemo; transports: Transport[] }[] = [
  { href: '/ticker', demo: 'ticker', transports: ['sse'] }, // demo:ticker
  { href: '/progress', demo: 'progress', transports: ['sse'] }, // demo:progress
  { href: '/chat', demo: 'chat', transports: ['ws'] }, // demo:chat
  { href: '/editor', demo: 'editor', transports: ['ws'] }, // demo:editor
  { href: '/compare', demo: 'compare', transports: ['sse', 'ws'] }, // demo:compare
]

export default function HomePage() {
  const t = useTranslations()
  return (
    <div className="space-y-14">
      <section className="grid items-center gap-8 pt-4 lg:grid-cols-[1fr_28rem]">
        <div>
          <p className="mb-3 flex items-center gap-2 text-sm font-medium text-slate-500 dark:text-slate-400">
            <TransportTag transport="sse" /> {t('home.versus')} <TransportTag transport="ws" />
          </p>
          <h1 className="max-w-3xl text-3xl font-bold tracking-tight text-balance sm:text-5xl">
            {t('home.heroTitle')}
          </h1>
          <p className="mt-4 max-w-2xl text-lg text-slate-600 dark:text-slate-300">
            {t('home.heroLede')}
          </p>
        </div>
        <SameUpdateOnEachWire />
      </section>

      <section aria-labelledby="demos-title">
        <h2 id="demos-title" className="sr-only">
          {t('home.demosTitle')}
        </h2>
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-5">
          {DEMOS.map((demo) => (
            <li key={demo.href}>
              <Link
                href={demo.href}
                className="group flex h-full flex-col rounded-xl border border-slate-200 bg-white p-5 shadow-sm transition hover:-translate-y-0.5 hover:shadow-md dark:border-slate-800 dark:bg-slate-900"
              >
                <span className="flex gap-1 self-start">
                  {demo.transports.map((transport) => (
                    <TransportTag key={transport} transport={transport} />
                  ))}
                </span>
                <h3 className="mt-3 text-lg font-semibold group-hover:underline">
                  {t(`${demo.demo}.card.title`)}
                </h3>
                <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
                  {t(`${demo.demo}.card.blurb`)}
                </p>
                <p className="mt-auto pt-4 text-xs text-slate-500 dark:text-slate-400">
                  <span className="font-semibold">{t('home.shows')} </span>
                  {t(`${demo.demo}.card.shows`)}
                </p>
              </Link>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="decide-title" className="grid gap-6 lg:grid-cols-[1fr_1fr]">
        <div>
          <h2 id="decide-title" className="text-2xl font-bold tracking-tight">
            {t('home.decideTitle')}
          </h2>
          <p className="mt-2 text-slate-600 dark:text-slate-300">{t('home.decideLede')}</p>
        </div>
        <DecisionTree />
      </section>

      <section aria-labelledby="compare-title">
        <h2 id="compare-title" className="text-2xl font-bold tracking-tight">
          {t('home.compareTitle')}
        </h2>
        <p className="mt-2 max-w-3xl text-slate-600 dark:text-slate-300">{t('home.compareLede')}</p>
        <ComparisonTable />
      </section>
    </div>
  )
}
