import { openSse, type SseConnection } from '@duplex/testing/sse'
import { expect } from '@playwright/test'
import type { FaultPartSetUp } from '../fixtures/part.ts'

// The ticker through a fault: a stream of Ada's stays open on web instance 0; its ids only ever
// go forward, and a Last-Event-ID from before the fault resumes or is told `reset: true`.

function tickIds(stream: SseConnection): number[] {
  return stream.named('tick').map((event) => Number(event.id))
}

export const tickerPart: FaultPartSetUp = async ({ faults, ada }) => {
  const [web0, web1] = faults.cluster.web
  const response = await fetch(`${web0.url}/api/ticker/symbols`)
  const { symbols } = (await response.json()) as { symbols: { symbol: string }[] }
  const watched = symbols.slice(0, 3).map((s) => s.symbol)
  const url = (base: string) => `${base}/api/ticker/stream?symbols=${watched.join(',')}`
  const stream = await openSse(
    url(web0.url),
    { headers: { cookie: ada.cookie } },
    { timeoutMs: 15_000 },
  )
  await stream.until(() => tickIds(stream).length >= 3, 'three ticks before the fault')
  const lastIdBefore = Math.max(...tickIds(stream))
  return {
    name: 'ticker',
    async check() {
      await stream.until(() => tickIds(stream).some((id) => id > lastIdBefore + 5), {
        timeoutMs: 20_000,
        message: 'ticks after the fault',
      })
      const ids = tickIds(stream)
      for (let i = 1; i < ids.length; i++)
        expect(ids[i], `tick ${i}`).toBeGreaterThan(ids[i - 1] ?? 0)

      const resumed = await openSse(url(web1.url), {
        headers: { cookie: ada.cookie, 'Last-Event-ID': String(lastIdBefore) },
      })
      const events = await resumed.until((all) =>
        all.some((e) => e.event === 'tick' || e.event === 'snapshot'),
      )
      const first = events.find((e) => e.event === 'tick' || e.event === 'snapshot')
      // Resumed from the buffer (the open stream's next tick after it), or told it cannot be (a
      // snapshot with reset).
      if (first?.event === 'snapshot') expect(JSON.parse(first.data)).toMatchObject({ reset: true })
      else expect(Number(first?.id)).toBe(ids.find((id) => id > lastIdBefore))
      await resumed.close()
    },
    close: () => stream.close(),
  }
}
