'use client'

import { useId, useState, type ReactNode } from 'react'

/**
 * A secondary section that a phone folds behind a button, so /compare stays a page you can
 * scroll through; from `sm` up the button is gone and the section always shows. The fold is CSS
 * only, so the server's HTML already has the phone's layout and nothing moves after hydration.
 */
export function PhoneDisclosure({
  show,
  hide,
  children,
  className = '',
}: {
  /** The button's words while the section is folded, e.g. "Show the benchmark results". */
  show: string
  hide: string
  children: ReactNode
  className?: string
}) {
  const [open, setOpen] = useState(false)
  const id = useId()
  return (
    <>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
        className="flex w-full items-center justify-between gap-2 rounded-lg border border-slate-200 bg-white px-3 py-2 text-left text-sm font-medium text-slate-800 hover:bg-slate-50 sm:hidden dark:border-slate-800 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800"
      >
        {open ? hide : show}
        <span aria-hidden className={`transition-transform ${open ? 'rotate-180' : ''}`}>
          ▾
        </span>
      </button>
      <div id={id} className={`${open ? '' : 'max-sm:hidden'} ${className}`}>
        {children}
      </div>
    </>
  )
}
