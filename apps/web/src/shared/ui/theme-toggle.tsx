'use client'

import { useTranslations } from 'next-intl'
import { useSyncExternalStore } from 'react'

function subscribe(onChange: () => void) {
  const observer = new MutationObserver(onChange)
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] })
  return () => observer.disconnect()
}

const isDark = () => document.documentElement.classList.contains('dark')

export function ThemeToggle() {
  const dark = useSyncExternalStore(subscribe, isDark, () => false)
  const t = useTranslations('theme')
  return (
    <button
      type="button"
      onClick={() => {
        const next = !isDark()
        document.documentElement.classList.toggle('dark', next)
        localStorage.setItem('duplex-theme', next ? 'dark' : 'light')
      }}
      className="grid size-9 shrink-0 place-items-center rounded-md text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
      aria-label={dark ? t('toLight') : t('toDark')}
      title={dark ? t('light') : t('dark')}
    >
      <span aria-hidden className="text-lg">
        {dark ? '☀' : '☾'}
      </span>
    </button>
  )
}
