'use client'

import Link from 'next/link'
import { usePathname } from 'next/navigation'
import type { Route } from 'next'
import { TransportTag, type Transport } from './transport-tag'

const LINKS: { href: Route; label: string; transport?: Transport }[] = [
  { href: '/', label: 'Guide' },
  { href: '/ticker', label: 'Ticker', transport: 'sse' }, // demo:ticker
  { href: '/progress', label: 'Progress', transport: 'sse' }, // demo:progress
  { href: '/chat', label: 'Chat', transport: 'ws' }, // demo:chat
  { href: '/editor', label: 'Editor', transport: 'ws' }, // demo:editor
  { href: '/compare', label: 'Compare' }, // demo:compare
]

export function NavLinks() {
  const pathname = usePathname()
  return (
    <nav aria-label="Main" className="-mx-1 flex flex-1 items-center gap-1 overflow-x-auto">
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
            {link.label}
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
