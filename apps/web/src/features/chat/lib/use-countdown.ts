'use client'

import { useEffect, useState } from 'react'

/**
 * Whole seconds left until `until` (ms since the epoch), ticking down once a second and stopping
 * at 0; `null` when there is nothing to count down to.
 */
export function useCountdown(until: number | null | undefined): number | null {
  const left = () => (until == null ? null : Math.max(0, Math.ceil((until - Date.now()) / 1000)))
  const [seconds, setSeconds] = useState(left)
  useEffect(() => {
    setSeconds(left())
    if (until == null) return
    const timer = setInterval(() => {
      const now = left()
      setSeconds(now)
      if (now === 0) clearInterval(timer)
    }, 250)
    return () => clearInterval(timer)
    // `left` reads only `until`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [until])
  return seconds
}
