/**
 * Counts the pending timeouts armed by code whose stack matches `from`, while the real clock
 * keeps running. Fake timers would also freeze undici's own timers under a real HTTP server,
 * and `vi.getTimerCount()` would count those too; a stack filter keeps only the timers the
 * test is about (the manager's backoff and the EventSource's retry).
 */
export function trackTimers(from: RegExp) {
  const realSet = globalThis.setTimeout
  const realClear = globalThis.clearTimeout
  const live = new Set<unknown>()

  const trackedSet = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const mine = from.test(new Error().stack ?? '')
    const handle: unknown = realSet(
      (...callArgs: unknown[]) => {
        live.delete(handle)
        callback(...callArgs)
      },
      ms,
      ...args,
    )
    if (mine) live.add(handle)
    return handle
  }) as typeof setTimeout
  const trackedClear = ((handle: Parameters<typeof clearTimeout>[0]) => {
    live.delete(handle)
    realClear(handle)
  }) as typeof clearTimeout

  globalThis.setTimeout = trackedSet
  globalThis.clearTimeout = trackedClear

  return {
    /** Timeouts from matching code that have neither fired nor been cleared. */
    pending: () => live.size,
    restore() {
      globalThis.setTimeout = realSet
      globalThis.clearTimeout = realClear
    },
  }
}
