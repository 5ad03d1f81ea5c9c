import type { Metadata, Viewport } from 'next'
import { headers } from 'next/headers'
import { NextIntlClientProvider } from 'next-intl'
import { getLocale, getTranslations } from 'next-intl/server'
import type { ReactNode } from 'react'
import { SiteHeader } from '@/shared/ui/site-header'
import './globals.css'

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('meta')
  return {
    title: { default: t('title'), template: '%s · Duplex' },
    description: t('description'),
  }
}

export const viewport: Viewport = {
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#f8fafc' },
    { media: '(prefers-color-scheme: dark)', color: '#020617' },
  ],
}

// Runs before first paint so a dark-mode reader never sees a white flash.
const themeScript = `try{var t=localStorage.getItem('duplex-theme');if(t==='dark'||(!t&&matchMedia('(prefers-color-scheme: dark)').matches))document.documentElement.classList.add('dark')}catch(e){}`

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The CSP allows inline scripts only with this response's nonce (set by src/proxy.ts); reading
  // it renders every page per request, which a nonce needs anyway.
  const [locale, t, nonce] = await Promise.all([
    getLocale(),
    getTranslations('layout'),
    headers().then((h) => h.get('x-nonce') ?? undefined),
  ])
  return (
    <html lang={locale} suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-screen">
        <NextIntlClientProvider>
          <a
            href="#main"
            className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-slate-900"
          >
            {t('skipToContent')}
          </a>
          <SiteHeader />
          <main
            id="main"
            tabIndex={-1}
            className="mx-auto w-full max-w-7xl px-4 pt-6 pb-16 outline-none sm:px-6 lg:px-8"
          >
            {children}
          </main>
          <footer className="border-t border-slate-200 py-6 text-center text-sm text-slate-500 dark:border-slate-800 dark:text-slate-400">
            {t('footer')}
          </footer>
        </NextIntlClientProvider>
      </body>
    </html>
  )
}
