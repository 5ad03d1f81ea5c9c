'use client'

import { useFormatter } from 'next-intl'
import { useCallback } from 'react'

/**
 * Message times in the page's locale through `Intl` (next-intl's formatter), always on a 24-hour
 * clock so they read the same as the wire panel beside them (`14:31`, not `02:31 PM`).
 *
 * A local helper: the tree has no shared `useFormatTime` yet.
 */
export function useChatTime() {
  const format = useFormatter()
  const clock = useCallback(
    (ts: number) => format.dateTime(ts, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    [format],
  )
  const full = useCallback(
    (ts: number) =>
      format.dateTime(ts, { dateStyle: 'medium', timeStyle: 'medium', hourCycle: 'h23' }),
    [format],
  )
  return { clock, full }
}
