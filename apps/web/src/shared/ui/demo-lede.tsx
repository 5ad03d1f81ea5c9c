'use client'

import { useTranslations } from 'next-intl'
import { useEffect, useId, useRef, useState } from 'react'

/**
 * A demo page's introduction. On a phone it starts at two lines, so the demo itself is on the
 * first screen, with a "More" button at the end of the second line (over the cut, taking no line
 * of its own) that shows the rest, and "Less" under the whole text to fold it again. From `sm` up
 * it is always whole. The button is absolutely placed while folded, so measuring whether the
 * text was cut never moves the page; when nothing was cut it is not shown.
 */
export function DemoLede({ text }: { text: string }) {
  const t = useTranslations('demoHeader')
  const [open, setOpen] = useState(false)
  const [clamped, setClamped] = useState(true)
  const ref = useRef<HTMLParagraphElement>(null)
  const id = useId()

  useEffect(() => {
    const el = ref.current
    if (!el) return
    const measure = () => setClamped(el.scrollHeight > el.clientHeight + 1)
    measure()
    const observer = new ResizeObserver(measure)
    observer.observe(el)
    return () => observer.disconnect()
  }, [])

  return (
    <div className="relative mt-1 max-w-3xl sm:mt-2">
      <p
        ref={ref}
        id={id}
        data-testid="demo-lede"
        className={`text-sm text-slate-600 sm:line-clamp-none sm:text-base dark:text-slate-300 ${open ? '' : 'line-clamp-2'}`}
      >
        {text}
      </p>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
        data-testid="demo-lede-toggle"
        className={`text-sm font-medium text-sky-700 underline-offset-2 hover:underline sm:hidden dark:text-sky-300 ${
          open
            ? ''
            : `absolute right-0 bottom-0 bg-slate-50 pl-2 dark:bg-slate-950 ${clamped ? '' : 'hidden'}`
        }`}
      >
        {open ? t('less') : t('more')}
      </button>
    </div>
  )
}
