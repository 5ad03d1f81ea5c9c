import { freshName } from '@duplex/testing/names'
import { expect, test, type Page } from '@playwright/test'
import { signInPage } from '../fixtures/users.ts'

// What a newcomer hit on /ticker (issue 13): lost chart history, a moving page, stale figures.

/** Distinct seconds in the server's history of a symbol: how many points its chart should draw. */
async function historySeconds(page: Page, symbol: string): Promise<number> {
  const response = await page.request.get(`/api/ticker/history?symbol=${symbol}`)
  const body = (await response.json()) as { points: { ts: number }[] }
  return new Set(body.points.map((p) => Math.floor(p.ts / 1000))).size
}

// The ticker streams to signed-in visitors only.
test.beforeEach(async ({ page }) => signInPage(page, freshName('newcomer')))

test('the chart keeps its history when live ticks arrive before it', async ({ page }) => {
  // Enough history to tell a chart that has it from one that has only the last seconds.
  await expect.poll(() => historySeconds(page, 'AAPL'), { timeout: 30_000 }).toBeGreaterThan(8)
  // Held back so the stream's ticks are drawn first, as on a slow network. The chart must keep
  // every second of the history the page was given (counted from that very answer: a full history
  // slides while it is held back, so an earlier count may name a second that has left it).
  let seconds = Infinity
  await page.route('**/api/ticker/history?*', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 2500))
    const response = await route.fetch()
    const body = (await response.json()) as { points: { ts: number }[] }
    seconds = new Set(body.points.map((p) => Math.floor(p.ts / 1000))).size
    await route.fulfill({ response })
  })
  await page.goto('/ticker?symbols=AAPL')
  await expect(page.locator('[data-symbol="AAPL"] [data-testid="price"]')).toHaveText(/^\$\d/)
  const chart = page.locator('[data-symbol="AAPL"] [data-testid="price-chart"]')
  await expect(chart).toHaveAttribute('data-history', 'loaded')
  expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(seconds)
})

test('the page does not shift while cards load and frames stream in', async ({ page }) => {
  await page.addInitScript(() => {
    const shifts: number[] = []
    ;(window as unknown as { __shifts: number[] }).__shifts = shifts
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & {
        value: number
        hadRecentInput: boolean
        sources: { node?: Node | null; currentRect: DOMRectReadOnly }[]
      })[]) {
        // Inside the wire log, newest first, each frame moves the older ones down: that is the
        // log scrolling within its fixed box, not the page moving under the reader. A frame the
        // log has just dropped is reported too (detached, with an empty rect): it left, it did
        // not move anything.
        const inLog = entry.sources.every(
          (source) =>
            source.node?.parentElement?.closest('[data-testid="wire-log"]') ||
            (source.node?.isConnected === false &&
              source.currentRect.width === 0 &&
              source.currentRect.height === 0),
        )
        if (!entry.hadRecentInput && !inLog) shifts.push(entry.value)
      }
    }).observe({ type: 'layout-shift', buffered: true })
  })
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.goto('/ticker')
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  await expect(page.getByTestId('price-card')).toHaveCount(4)
  // A few seconds of ticks and wire frames: the panel must not grow the page with them.
  await expect
    .poll(async () => Number(await page.getByTestId('last-event-id').textContent()))
    .toBeGreaterThan(30)
  const cls = await page.evaluate(() =>
    (window as unknown as { __shifts: number[] }).__shifts.reduce((a, b) => a + b, 0),
  )
  expect(cls).toBeLessThan(0.1)
})

test('an empty watchlist reads zero, and re-adding a symbol needs no dead connection', async ({
  page,
}) => {
  const failed: string[] = []
  page.on('response', (response) => {
    if (response.url().includes('/api/ticker/subscriptions') && !response.ok())
      failed.push(`${response.status()} ${response.url()}`)
  })
  await page.goto('/ticker?symbols=AAPL')
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  await expect(page.getByTestId('message-rate')).not.toHaveText('0.0 msg/s')

  await page.getByRole('button', { name: 'Remove AAPL from the watchlist' }).click()
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'closed')
  await expect(page.getByTestId('message-rate')).toHaveText('0.0 msg/s')

  await page.getByLabel('Symbol to add').selectOption('MSFT')
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(page.locator('[data-symbol="MSFT"] [data-testid="price"]')).toHaveText(/^\$\d/)
  await expect(page.getByTestId('message-rate')).not.toHaveText('0.0 msg/s')
  expect(failed).toEqual([])
})

test('with every symbol removed, the status and the log agree: closed until a symbol is added', async ({
  page,
}) => {
  await page.goto('/ticker?symbols=AAPL')
  const status = page.getByTestId('connection-status')
  await expect(status).toHaveAttribute('data-status', 'open')
  const streams: string[] = []
  page.on('request', (r) => {
    if (r.url().includes('/api/ticker/stream')) streams.push(r.url())
  })

  await page.getByRole('button', { name: 'Remove AAPL from the watchlist' }).click()
  await expect(status).toHaveAttribute('data-status', 'closed')
  // The badge says why it is closed and how to reopen it, and the log says the same thing: no
  // "reconnecting on its own" for a stream the page closed on purpose.
  await expect(status).toContainText('No symbols')
  await expect(status).toContainText('add one to reopen')
  const timeline = page.getByTestId('fault-timeline')
  await expect(timeline).toContainText('No symbols left: the page closed the stream')
  await expect(timeline).not.toContainText('reconnecting')
  // And it really does not reconnect while the watchlist is empty.
  await expect(page.getByRole('button', { name: 'Add', exact: true })).toBeEnabled()
  expect(streams).toEqual([])

  await page.getByLabel('Symbol to add').selectOption('MSFT')
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(status).toHaveAttribute('data-status', 'open')
  await expect(status).not.toContainText('No symbols')
})

test('the price chart holds its height before its data arrives', async ({ page }) => {
  await page.goto('/ticker?symbols=AAPL')
  const chart = page.locator('[data-symbol="AAPL"] [data-testid="price-chart"]')
  const before = await chart.boundingBox()
  await expect(chart).toHaveAttribute('data-history', 'loaded')
  await expect(page.locator('[data-symbol="AAPL"] [data-testid="seq"]')).not.toHaveText(/#0$/)
  const after = await chart.boundingBox()
  expect(before?.height).toBeGreaterThan(100)
  expect(after?.height).toBe(before?.height)
})
