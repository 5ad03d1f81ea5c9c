import { useCallback, useEffect, useMemo, useState } from 'react'
import { createRateMeter } from '../rate-meter.ts'

export interface UseMessageRateResult {
  /** Counts one message. Stable across renders. */
  record(): void
  /** Messages per second over the window, refreshed a few times a second. */
  rate: number
}

/**
 * Messages per second over a sliding window, for the rate figure on each demo page.
 *
 * @example
 * const { record, rate } = useMessageRate(2000)
 * useEventStream({ url, events: TickerEvents, handlers: { tick: () => record() } })
 * return <span>{rate.toFixed(1)} msg/s</span>
 */
export function useMessageRate(windowMs = 1000, refreshMs = 250): UseMessageRateResult {
  const meter = useMemo(() => createRateMeter(windowMs), [windowMs])
  const [rate, setRate] = useState(0)

  useEffect(() => {
    // Re-rendering on every message would cost more than the messages; a few times a second
    // is what a reader can follow anyway.
    const timer = setInterval(() => setRate(meter.rate()), refreshMs)
    return () => clearInterval(timer)
  }, [meter, refreshMs])

  const record = useCallback(() => meter.record(), [meter])
  return { record, rate }
}
