'use client'

import Link from 'next/link'
import { usePathname } from 'next/navigation'
import type { Route } from 'next'
import { useTranslations, type MessageKeys, type Messages, type NestedKeyOf } from 'next-intl'
import { TransportTag, type Transport } from './transport-tag'

type MessageKey = MessageKeys<Messages, NestedKeyOf<Messages>>

const LINKS: { href: Route; label: MessageKey; transport?: Transport }[] = [
  { href: '/', label: 'nav.guide' },
  { href: '/ticker', label: 'ticker.nav', transport: 'sse' }, // demo:ticker
  { href: '/progress', label: 'progress.nav', transport: 'sse' }, // demo:progress
  { href: '/chat', label: 'chat.nav', transport: 'ws' }, // demo:chat
  { href: '/editor', label: 'editor.nav', transport: 'ws' }, // demo:editor
  { href: '/compare', label: 'compare.nav' }, // demo:compare
]

export function NavLinks() {
  const pathname = usePathname()
  const t = useTranslations()
  return (
    <nav
      aria-label={t('nav.label')}
      className="-mx-1 flex flex-1 items-center gap-1 overflow-x-auto"
    >
      {LINKS.map((link) => {
        const active = link.href === '/' ? pathname === '/' : pathname.startsWith(link.href)
        return (
          <Link
            key={link.href}
            href={link.href}
            aria-current={active ? 'page' : undefined}
            className={`flex shrink-0 items-center gap-1.5 rounded-md px-2.5 py-1.5 text-sm font-medium transition-colors ${
              active
                ? 'bg-slate-900 text-white dark:bg-slate-700'
                : 'text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'
            }`}
          >
            {t(link.label)}
            {link.transport && (
              <span className="hidden sm:inline-flex">
                <TransportTag transport={link.transport} compact />
              </span>
            )}
          </Link>
        )
      })}
    </nav>
  )
}
