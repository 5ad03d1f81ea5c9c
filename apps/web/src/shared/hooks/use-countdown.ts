'use client'

import { useEffect, useState } from 'react'
import { secondsLeft } from '@/shared/lib/countdown'

/**
 * Seconds left until `until` (ms since the epoch), updated every second, so a "retry in 7 s"
 * counts down instead of standing still; null without a deadline.
 */
export function useSecondsLeft(until: number | null | undefined): number | null {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (until == null) return
    setNow(Date.now())
    const timer = setInterval(() => {
      const at = Date.now()
      setNow(at)
      if (at >= until) clearInterval(timer)
    }, 250)
    return () => clearInterval(timer)
  }, [until])
  return until == null ? null : secondsLeft(until, now)
}
