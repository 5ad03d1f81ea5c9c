'use client'

import Link from 'next/link'
import { usePathname } from 'next/navigation'
import { useEffect, useId, useRef, useState } from 'react'
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

function isActive(href: Route, pathname: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`)
}

/**
 * The main links. Where they all fit (lg and up) they sit in the header; on a phone or tablet a
 * "Menu" button opens the full list, so every destination is one tap away and no word is cut.
 */
export function NavLinks() {
  const pathname = usePathname()
  const t = useTranslations()
  return (
    <>
      <nav aria-label={t('nav.label')} className="hidden min-w-0 flex-1 items-center gap-1 lg:flex">
        {LINKS.map((link) => {
          const active = isActive(link.href, pathname)
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
              {link.transport && <TransportTag transport={link.transport} compact />}
            </Link>
          )
        })}
      </nav>
      <NavMenu />
    </>
  )
}

/**
 * The phone's navigation: a disclosure button and the list it opens under the header. Escape or
 * a tap outside closes it (Escape puts focus back on the button); following a link closes it too.
 */
function NavMenu() {
  const pathname = usePathname()
  const t = useTranslations()
  const [open, setOpen] = useState(false)
  const listId = useId()
  const root = useRef<HTMLElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  const current = LINKS.find((link) => isActive(link.href, pathname))

  // A new page closes the menu.
  const [shownFor, setShownFor] = useState(pathname)
  if (shownFor !== pathname) {
    setShownFor(pathname)
    setOpen(false)
  }

  useEffect(() => {
    if (!open) return
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return
      setOpen(false)
      button.current?.focus()
    }
    const onPointer = (event: PointerEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false)
    }
    document.addEventListener('keydown', onKey)
    document.addEventListener('pointerdown', onPointer)
    return () => {
      document.removeEventListener('keydown', onKey)
      document.removeEventListener('pointerdown', onPointer)
    }
  }, [open])

  return (
    <nav
      ref={root}
      aria-label={t('nav.label')}
      className="flex min-w-0 flex-1 items-center lg:hidden"
    >
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen(!open)}
        data-testid="nav-menu-button"
        className="flex min-w-0 items-center gap-1.5 rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-100 dark:text-slate-200 dark:ring-slate-700 dark:hover:bg-slate-800"
      >
        <span aria-hidden className="text-base leading-none">
          {open ? '✕' : '☰'}
        </span>
        <span>{t('nav.menu')}</span>
        {current && current.href !== '/' && (
          <span className="truncate font-normal text-slate-500 dark:text-slate-400">
            <span className="sr-only">, </span>
            {t(current.label)}
          </span>
        )}
      </button>
      <ul
        id={listId}
        hidden={!open}
        data-testid="nav-menu"
        className="absolute inset-x-0 top-full border-b border-slate-200 bg-white px-4 py-2 shadow-lg sm:px-6 dark:border-slate-800 dark:bg-slate-950"
      >
        {LINKS.map((link) => {
          const active = isActive(link.href, pathname)
          return (
            <li key={link.href}>
              <Link
                href={link.href}
                aria-current={active ? 'page' : undefined}
                onClick={() => setOpen(false)}
                className={`flex items-center gap-2 rounded-md px-3 py-2.5 text-base font-medium ${
                  active
                    ? 'bg-slate-900 text-white dark:bg-slate-700'
                    : 'text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800'
                }`}
              >
                {t(link.label)}
                {link.transport && <TransportTag transport={link.transport} />}
              </Link>
            </li>
          )
        })}
      </ul>
    </nav>
  )
}
