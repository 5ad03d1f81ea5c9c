/**
 * Whole seconds left until `until` (ms since the epoch), rounded up so "retry in 1 s" shows
 * until the moment itself; 0 once it has passed.
 */
export function secondsLeft(until: number, now: number): number {
  return Math.max(0, Math.ceil((until - now) / 1000))
}
