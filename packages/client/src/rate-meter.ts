/** Counts messages over a sliding window. */
export interface RateMeter {
  /** Counts one message now (or at `at`, in the meter's clock). */
  record(at?: number): void
  /** Messages per second over the last window. */
  rate(at?: number): number
}

/**
 * A sliding-window message counter, the logic behind `useMessageRate`.
 *
 * @example
 * const meter = createRateMeter(1000)
 * meter.record()
 * meter.rate() // 1
 */
export function createRateMeter(
  windowMs: number,
  now: () => number = () => performance.now(),
): RateMeter {
  if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`)
  // Timestamps arrive in order, so old ones are always at the front; `start` skips them
  // without shifting the array on every message.
  let times: number[] = []
  let start = 0

  function prune(at: number): void {
    const oldest = at - windowMs
    while (start < times.length && (times[start] ?? Infinity) <= oldest) start++
    if (start > 1024 && start * 2 > times.length) {
      times = times.slice(start)
      start = 0
    }
  }

  return {
    record(at = now()) {
      times.push(at)
      prune(at)
    },
    rate(at = now()) {
      prune(at)
      return ((times.length - start) * 1000) / windowMs
    },
  }
}
