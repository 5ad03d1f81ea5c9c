import { createServer } from 'node:net'

/** The host clock every payload carries: one clock for every process on this machine. */
export const now = (): number => performance.timeOrigin + performance.now()

/**
 * Source addresses the clients spread over. Each source address has its own ~28,000 ephemeral
 * ports, so tens of thousands of connections (and their TIME_WAIT leftovers) never run out.
 */
export const SOURCE_ADDRESSES = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`)

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Polls `check` until it returns true or `timeoutMs` passes; returns how long it took, or undefined. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 50,
): Promise<number | undefined> {
  const t0 = performance.now()
  for (;;) {
    if (await check()) return performance.now() - t0
    if (performance.now() - t0 > timeoutMs) return undefined
    await sleep(everyMs)
  }
}
