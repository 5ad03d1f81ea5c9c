'use client'

import { useState } from 'react'
import { useTranslations } from 'next-intl'

export function StartJobForm({
  onStart,
  disabled,
  disabledReason,
}: {
  onStart: (input: {
    name?: string
    durationMs?: number
    simulateFailure?: boolean
  }) => Promise<void>
  disabled: boolean
  disabledReason: string
}) {
  const t = useTranslations('progress.form')
  const [name, setName] = useState('')
  const [seconds, setSeconds] = useState(12)
  const [fail, setFail] = useState(false)
  const [busy, setBusy] = useState(false)

  return (
    <form
      className="flex flex-wrap items-end gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      onSubmit={async (e) => {
        e.preventDefault()
        setBusy(true)
        const submitted = name
        try {
          await onStart({
            ...(submitted.trim() ? { name: submitted.trim() } : {}),
            durationMs: seconds * 1000,
            ...(fail ? { simulateFailure: true } : {}),
          })
          // Only clear what was sent: a name typed for the next job while this one was starting
          // stays (seen as a flaky e2e run where "Beta" was wiped and the job got a default name).
          setName((current) => (current === submitted ? '' : current))
        } finally {
          setBusy(false)
        }
      }}
    >
      <label className="grid min-w-48 flex-1 gap-1 text-sm font-medium">
        {t('name')}
        <input
          dir="auto"
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={80}
          placeholder={t('placeholder')}
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-normal dark:border-slate-700 dark:bg-slate-800"
        />
      </label>
      <label className="grid gap-1 text-sm font-medium">
        {t('duration', { seconds })}
        <input
          type="range"
          min={2}
          max={60}
          value={seconds}
          onChange={(e) => setSeconds(Number(e.target.value))}
          className="w-40 accent-emerald-600"
        />
      </label>
      <label className="flex items-center gap-2 pb-1.5 text-sm">
        <input
          type="checkbox"
          checked={fail}
          onChange={(e) => setFail(e.target.checked)}
          className="size-4 accent-rose-600"
        />
        {t('fail')}
      </label>
      <button
        type="submit"
        disabled={disabled || busy}
        title={disabled ? disabledReason : undefined}
        className="rounded-md bg-sse-600 px-4 py-2 text-sm font-semibold text-white hover:bg-sse-700 disabled:cursor-not-allowed disabled:opacity-50"
      >
        {t('start')}
      </button>
      {disabled && (
        <p className="w-full text-xs text-slate-500 dark:text-slate-400">{disabledReason}</p>
      )}
    </form>
  )
}
