import { freshName } from '@duplex/testing/names'
import { expect, test, type Page } from '@playwright/test'
import { signInPage } from '../fixtures/users.ts'

// Issue 19, item 1: on a phone the wire panel had no height, so /ticker grew by thousands of
// pixels a minute (4,380 px after 5 s, 18,386 px after 35 s) and its DOM without end.

const PHONE = { width: 390, height: 844 }

async function pageSize(page: Page) {
  return page.evaluate(() => ({
    height: document.documentElement.scrollHeight,
    nodes: document.getElementsByTagName('*').length,
  }))
}

test('on a phone, a minute of ticks leaves the page height and DOM size flat', async ({ page }) => {
  test.setTimeout(180_000)
  await page.addInitScript(() => {
    const shifts: { at: number; value: number; outside: string[] }[] = []
    ;(window as unknown as { __shifts: typeof shifts }).__shifts = shifts
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & {
        value: number
        hadRecentInput: boolean
        sources: { node?: Node | null }[]
      })[]) {
        // Frames moving inside the log's own fixed box are the log scrolling; anything outside
        // it moving is the page shifting under the reader. Detached nodes (frames the log
        // dropped) moved nothing.
        const outside = entry.sources
          .map((source) => source.node)
          .filter(
            (node): node is Node =>
              !!node &&
              node.isConnected &&
              !(node instanceof Element ? node : node.parentElement)?.closest(
                '[data-testid="wire-log"]',
              ),
          )
          .map((node) => (node instanceof Element ? node.outerHTML : node.nodeName).slice(0, 80))
        if (!entry.hadRecentInput && outside.length > 0)
          shifts.push({ at: entry.startTime, value: entry.value, outside })
      }
    }).observe({ type: 'layout-shift', buffered: true })
  })
  await page.setViewportSize(PHONE)
  await signInPage(page, freshName('phone'))
  await page.goto('/ticker')
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  const log = page.getByTestId('wire-log')
  // From the first frames on (cards and charts have settled), the page must not grow at all;
  // the DOM grows while the log fills its first screenful, then must stay flat too.
  await expect(log.locator('li[data-kind]').first()).toBeAttached()
  await page.waitForTimeout(3_000)
  const since = await page.evaluate(() => performance.now())
  const firstId = Number(await page.getByTestId('last-event-id').textContent())
  const samples: { height: number; nodes: number; rows: number }[] = []
  for (let i = 0; i < 15; i++) {
    samples.push({ ...(await pageSize(page)), rows: await log.locator('li').count() })
    await page.waitForTimeout(5_000)
  }
  // The minute really was full of ticks.
  expect(Number(await page.getByTestId('last-event-id').textContent())).toBeGreaterThan(
    firstId + 100,
  )
  const heights = samples.map((s) => s.height)
  expect(Math.max(...heights) - Math.min(...heights), `heights ${heights.join(', ')}`).toBeLessThan(
    40,
  )
  const rows = Math.max(...samples.map((s) => s.rows))
  const full = samples.filter((s) => s.rows === rows)
  // The log is full after a few seconds of ticks and keeps that many for the rest of the minute.
  expect(full.length, `rows ${samples.map((s) => s.rows).join(', ')}`).toBeGreaterThanOrEqual(12)
  const nodes = full.map((s) => s.nodes)
  // A frame's nodes differ a little by kind (a heartbeat has no id); the total must not climb.
  expect(
    Math.max(...nodes) - Math.min(...nodes),
    `DOM nodes ${nodes.join(', ')}`,
  ).toBeLessThanOrEqual(Math.ceil(Math.min(...nodes) * 0.05))

  // The log keeps a bounded number of frames and says, in words, how many older ones it dropped.
  const cap = await log.locator('li').count()
  expect(cap).toBeLessThanOrEqual(200)
  const dropped = page.getByTestId('wire-dropped')
  await expect(dropped).toHaveAttribute('data-dropped', /^[1-9]\d*$/)
  await expect(dropped).toContainText('dropped')
  // The log's box is the same size however many frames arrived, and fits the phone's screen.
  const box = await log.boundingBox()
  expect(box?.height).toBeLessThanOrEqual(PHONE.height * 0.6)

  // Whatever settles as the page loads, a minute of frames must move nothing outside the log.
  const shifts = (
    await page.evaluate(
      () =>
        (window as unknown as { __shifts: { at: number; value: number; outside: string[] }[] })
          .__shifts,
    )
  ).filter((shift) => shift.at >= since)
  const total = shifts.reduce((sum, s) => sum + s.value, 0)
  expect(total, JSON.stringify(shifts.slice(0, 5))).toBeLessThan(0.05)
})

test('a `zh` cookie gives the wire panel in Chinese, with 24-hour frame times', async ({
  page,
  context,
}) => {
  await page.setViewportSize(PHONE)
  await signInPage(page, freshName('phone-zh'))
  await page.goto('/ticker')
  // A bare `zh`, as other sites and hand-written cookies say it, is Simplified Chinese too.
  const url = new URL(page.url())
  await context.addCookies([
    { name: 'duplex-locale', value: 'zh', domain: url.hostname, path: '/' },
  ])
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')
  const panel = page.getByTestId('wire-panel')
  await expect(panel.getByRole('button', { name: '暂停' })).toBeVisible()
  await expect(panel.getByTestId('wire-total')).toContainText('帧')
  // Frame times are 24-hour, with milliseconds, as the locale writes them.
  await expect(page.getByTestId('wire-log').locator('li time').first()).toHaveText(
    /^\d{2}:\d{2}:\d{2}\.\d{3}$/,
  )
})
