import Link from 'next/link'
import { LanguageSwitch } from './language-switch'
import { NavLinks } from './nav-links'
import { ThemeToggle } from './theme-toggle'

export function SiteHeader() {
  return (
    <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/85 backdrop-blur dark:border-slate-800 dark:bg-slate-950/85">
      <div className="relative mx-auto flex h-14 max-w-7xl items-center gap-2 px-4 sm:gap-4 sm:px-6 lg:px-8">
        <Link href="/" className="flex shrink-0 items-center gap-2 font-semibold tracking-tight">
          <span
            aria-hidden
            className="grid size-7 place-items-center rounded-md bg-gradient-to-br from-sse-500 to-ws-600 text-xs font-bold text-white"
          >
            ⇄
          </span>
          Duplex
        </Link>
        <NavLinks />
        <LanguageSwitch />
        <ThemeToggle />
      </div>
    </header>
  )
}
