'use client'

import { USER_NAME_MAX_LENGTH } from '@duplex/protocol/session'
import { useTranslations } from 'next-intl'
import { useId, useState, type FormEvent } from 'react'
import { useSession } from '@/shared/hooks/use-session'

/**
 * The name picker shown instead of a realtime demo to a visitor without a session. There is no
 * password: the name is signed into an httpOnly cookie that both the web app and the realtime
 * server accept. Once signed in, focus moves to the page's main content (the form that had it is
 * gone), so keyboard users carry on from the demo instead of the top of the page.
 */
export function SignInCard({
  purpose,
  autoFocus = true,
}: {
  purpose: string
  /**
   * Whether the name field takes focus on load. A card far down a long page says `false`:
   * focusing it would scroll the page's title and intro out of view.
   */
  autoFocus?: boolean
}) {
  const { signIn, signedOutReason } = useSession()
  const t = useTranslations('signIn')
  const [name, setName] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const inputId = useId()
  const hintId = useId()
  const errorId = useId()

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    const result = await signIn(name)
    setBusy(false)
    if (!result.ok) {
      setError(result.message)
      return
    }
    // After React has swapped this card for the demo: the main landmark (tabIndex=-1) takes focus.
    requestAnimationFrame(() => document.getElementById('main')?.focus())
  }

  return (
    <section
      aria-labelledby={`${inputId}-title`}
      className="mx-auto w-full max-w-md rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id={`${inputId}-title`} className="text-lg font-semibold">
        {t('title', { purpose })}
      </h2>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{t('body')}</p>
      {signedOutReason && (
        <p
          role="status"
          className="mt-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
        >
          {t('again', { reason: signedOutReason })}
        </p>
      )}
      <form onSubmit={onSubmit} className="mt-4 grid gap-2" noValidate>
        <label htmlFor={inputId} className="text-sm font-medium">
          {t('label')}
        </label>
        <div className="flex gap-2">
          <input
            id={inputId}
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoComplete="nickname"
            autoFocus={autoFocus}
            required
            aria-invalid={error !== null}
            aria-describedby={error ? `${hintId} ${errorId}` : hintId}
            placeholder={t('placeholder')}
            className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-500 dark:border-slate-700 dark:bg-slate-950 dark:placeholder:text-slate-400"
          />
          <button
            type="submit"
            disabled={busy}
            className="rounded-md bg-ws-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-ws-700 disabled:opacity-60"
          >
            {busy ? t('busy') : t('submit')}
          </button>
        </div>
        <p id={hintId} className="text-xs text-slate-500 dark:text-slate-400">
          {t('hint', { max: USER_NAME_MAX_LENGTH })}
        </p>
        {error && (
          <p id={errorId} role="alert" className="text-sm text-red-700 dark:text-red-300">
            {error}
          </p>
        )}
      </form>
    </section>
  )
}
