/** What {@link createRejectionReporter} needs. */
export interface RejectionReporterOptions {
  /** Where the first rejection of each cause is written, with the reason itself (its stack). */
  log: (message: string, reason: unknown) => void
  /** Called for every rejection, logged or not: count it in the metrics. */
  onRejection?: (reason: unknown) => void
  /** Distinct causes remembered (so each is logged once); past this, none is logged. Default 100. */
  maxDistinct?: number
}

/**
 * The process's `unhandledRejection` listener. A promise that nobody awaited failed: a bug, but
 * one call's bug, and Node's default (exit) would take every connection of the instance down with
 * it, during an outage on every instance at once. Logs each distinct cause once, with its chain
 * of `cause`s, and reports every one to `onRejection`, so a flood of identical rejections (one per
 * disconnect while Redis is away) is one log line and a counter.
 *
 * Only an entry file installs it (`process.on('unhandledRejection', report)`).
 *
 * @example
 * const report = createRejectionReporter({ log: console.error, onRejection: () => counter.inc() })
 * process.on('unhandledRejection', report)
 */
export function createRejectionReporter(
  options: RejectionReporterOptions,
): (reason: unknown) => void {
  const maxDistinct = options.maxDistinct ?? 100
  const seen = new Set<string>()
  let saidEnough = false
  return (reason) => {
    options.onRejection?.(reason)
    const cause = describeCause(reason)
    if (seen.has(cause)) return
    if (seen.size >= maxDistinct) {
      if (!saidEnough) {
        saidEnough = true
        options.log(
          `${maxDistinct} distinct unhandled rejections logged; counting the rest only`,
          reason,
        )
      }
      return
    }
    seen.add(cause)
    options.log(
      `unhandled promise rejection (the process keeps running; further ones like it are only counted): ${cause}`,
      reason,
    )
  }
}

/** `Error: message ← caused by TypeError: …`, following `cause` a few levels deep. */
export function describeCause(reason: unknown): string {
  const parts: string[] = []
  let current: unknown = reason
  for (let depth = 0; depth < 5 && current !== undefined; depth++) {
    if (current instanceof Error) {
      parts.push(`${current.name}: ${current.message}`)
      current = current.cause
    } else {
      parts.push(typeof current === 'string' ? current : safeJson(current))
      break
    }
  }
  return parts.join(' ← caused by ')
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
