'use client'

import { useFormatter } from 'next-intl'
import { useCallback } from 'react'

/**
 * Dates and times in the reader's locale through `Intl` (next-intl's formatter), never by hand.
 * (The editor's own helper: the shared one did not exist yet when this was written.)
 *
 * @example
 * const { dateTime } = useFormatTime()
 * dateTime(doc.updatedAt) // "7 Dec 2026, 19:30" in en, "2026年12月7日 19:30" in zh-CN
 */
export function useFormatTime() {
  const format = useFormatter()
  const dateTime = useCallback(
    (at: number) => format.dateTime(new Date(at), { dateStyle: 'medium', timeStyle: 'short' }),
    [format],
  )
  const date = useCallback(
    (at: number) => format.dateTime(new Date(at), { dateStyle: 'medium' }),
    [format],
  )
  const time = useCallback(
    (at: number) => format.dateTime(new Date(at), { timeStyle: 'medium' }),
    [format],
  )
  return { dateTime, date, time }
}
