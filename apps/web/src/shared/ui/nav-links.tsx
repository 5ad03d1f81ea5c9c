'use client'

import Link from 'next/link'
import { usePathname } from 'next/navigation'
import { useCallback, useEffect, useRef, useState } from 'react'
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

/**
 * The main links. On a narrow screen they scroll sideways: the active one is scrolled into view,
 * and a fade on the side with more links says there is more.
 */
export function NavLinks() {
  const pathname = usePathname()
  const t = useTranslations()
  const scroller = useRef<HTMLElement>(null)
  const [more, setMore] = useState({ left: false, right: false })

  const measure = useCallback(() => {
    const el = scroller.current
    if (!el) return
    setMore({
      left: el.scrollLeft > 1,
      right: el.scrollLeft + el.clientWidth < el.scrollWidth - 1,
    })
  }, [])

  useEffect(() => {
    const el = scroller.current
    if (!el) return
    const active = el.querySelector<HTMLElement>('[aria-current="page"]')
    if (active) {
      // Centred by hand: scrollIntoView would also scroll the page itself.
      const target = active.offsetLeft - (el.clientWidth - active.offsetWidth) / 2
      el.scrollLeft = Math.max(0, target)
    }
    measure()
  }, [pathname, measure])

  useEffect(() => {
    window.addEventListener('resize', measure)
    return () => window.removeEventListener('resize', measure)
  }, [measure])

  return (
    <div className="relative flex min-w-0 flex-1">
      <nav
        ref={scroller}
        aria-label={t('nav.label')}
        onScroll={measure}
        className="-mx-1 flex flex-1 items-center gap-1 overflow-x-auto [scrollbar-width:none]"
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
      <span
        aria-hidden
        data-testid="nav-more-left"
        data-visible={more.left || undefined}
        className={`pointer-events-none absolute inset-y-0 left-0 w-6 bg-gradient-to-r from-white transition-opacity dark:from-slate-950 ${more.left ? 'opacity-100' : 'opacity-0'}`}
      />
      <span
        aria-hidden
        data-testid="nav-more-right"
        data-visible={more.right || undefined}
        className={`pointer-events-none absolute inset-y-0 right-0 flex w-8 items-center justify-end bg-gradient-to-l from-white text-slate-400 transition-opacity dark:from-slate-950 ${more.right ? 'opacity-100' : 'opacity-0'}`}
      >
        ›
      </span>
    </div>
  )
}
