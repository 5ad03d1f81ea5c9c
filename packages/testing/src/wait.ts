/** Resolves after `ms` real milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export interface WaitForOptions {
  /** Give up after this long. Defaults to 5000 ms. */
  timeoutMs?: number
  /** Pause between two checks. Defaults to 10 ms. */
  intervalMs?: number
  /** What is awaited, for the timeout error: "timed out after 5000 ms waiting for <message>". */
  message?: string | (() => string)
}

/** `false`, `0`, `''`, `null` and `undefined`: what `waitFor` keeps polling on. */
type Falsy = false | 0 | '' | null | undefined

/**
 * Calls `check` until it returns something truthy and resolves with that. An error thrown by
 * `check` ends the wait at once (a check can fail fast, e.g. when the process it waits on died);
 * catch inside `check` to keep polling through errors. A string instead of options is the message.
 *
 * @example
 * await waitFor(() => a.ticker.isLeader(), 'a leader')
 * const row = await waitFor(() => db.find(id), { message: `row ${id}`, timeoutMs: 10_000 })
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  options: WaitForOptions | string = {},
): Promise<Exclude<T, Falsy>> {
  const {
    timeoutMs = 5000,
    intervalMs = 10,
    message,
  } = typeof options === 'string' ? { message: options } : options
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value as Exclude<T, Falsy>
    if (Date.now() >= deadline) {
      const what = typeof message === 'function' ? message() : (message ?? 'a condition to hold')
      throw new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}`)
    }
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())))
  }
}

/** Thrown by {@link waitFor} (and the SSE reader's waits) when time runs out. */
export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError'
}
