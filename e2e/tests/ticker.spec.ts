import { DURABLE } from '../fixtures/projects.ts'
import { freshName } from '@duplex/testing/names'
import { expect, test, type Page, type Request } from '@playwright/test'
import { E2E } from '../fixtures/ports.ts'
import { startTcpProxy } from '../fixtures/tcp-proxy.ts'
import { signInPage } from '../fixtures/users.ts'

// The page's streams and jobs belong to a user: each test signs its browser context in first.
test.beforeEach(async ({ page }) => {
  await signInPage(page, freshName('ticker'))
})

function streamRequests(page: Page): Request[] {
  const requests: Request[] = []
  page.on('request', (r) => {
    if (r.url().includes('/api/ticker/stream')) requests.push(r)
  })
  return requests
}

/** Tick frames the wire panel shows, oldest first: what the page really received. */
async function wireTicks(page: Page) {
  const texts = await page
    .locator('[data-testid="wire-log"] li[data-event="tick"] pre')
    .allTextContents()
  return texts.reverse().map((text) => {
    const id = Number(/^id: (\d+)$/m.exec(text)?.[1])
    const data = JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? '{}') as {
      symbol: string
      seq: number
    }
    return { id, ...data }
  })
}

test('shows live prices that keep changing', async ({ page }) => {
  await page.goto('/ticker?symbols=AAPL,MSFT,NVDA')
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  await expect(page.getByTestId('price-card')).toHaveCount(3)
  const lastId = page.getByTestId('last-event-id')
  await expect(lastId).toHaveText(/^\d+$/)
  const first = Number(await lastId.textContent())
  await expect.poll(async () => Number(await lastId.textContent())).toBeGreaterThan(first + 5)
  await expect(page.locator('[data-symbol="AAPL"] [data-testid="price"]')).toHaveText(/^\$\d/)
  await expect(page.getByTestId('message-rate')).not.toHaveText('0.0 msg/s')
  // The wire panel shows the raw frames, heartbeat comments included.
  await expect(
    page.locator('[data-testid="wire-log"] li[data-event="tick"]').first(),
  ).toContainText('event: tick')
  await expect(
    page.locator('[data-testid="wire-log"] li[data-kind="comment"]').first(),
  ).toContainText(': ping')
})

test('adds and removes symbols without reconnecting the stream', async ({ page }) => {
  const requests = streamRequests(page)
  await page.goto('/ticker?symbols=AAPL,MSFT')
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  await expect(page.getByTestId('price-card')).toHaveCount(2)

  await page.getByLabel('Symbol to add').selectOption('TSLA')
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(page.locator('[data-symbol="TSLA"] [data-testid="price"]')).toHaveText(/^\$\d/)
  await expect(
    page
      .locator('[data-testid="wire-log"] li[data-event="tick"]', { hasText: '"symbol":"TSLA"' })
      .first(),
  ).toBeVisible()

  await page.getByRole('button', { name: 'Remove AAPL from the watchlist' }).click()
  await expect(page.locator('[data-symbol="AAPL"]')).toHaveCount(0)
  const removedAt = Math.max(0, ...(await wireTicks(page)).map((t) => t.id))
  await expect
    .poll(async () => (await wireTicks(page)).filter((t) => t.id > removedAt + 40).length)
    .toBeGreaterThan(0)
  const after = (await wireTicks(page)).filter((t) => t.id > removedAt + 20)
  expect(after.map((t) => t.symbol)).not.toContain('AAPL')
  expect(new Set(after.map((t) => t.symbol))).toEqual(new Set(['MSFT', 'TSLA']))

  expect(requests).toHaveLength(1)
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
})

test(
  'resumes after the network drops mid-stream with contiguous ids and no duplicate',
  { tag: DURABLE },
  async ({ page }) => {
    const proxy = await startTcpProxy(E2E.webPort)
    try {
      const requests = streamRequests(page)
      await page.goto(`${proxy.url}/ticker?symbols=AAPL,MSFT,NVDA,TSLA`)
      await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
      await expect.poll(async () => (await wireTicks(page)).length).toBeGreaterThan(15)

      const before = await wireTicks(page)
      expect(proxy.dropAll()).toBeGreaterThan(0)
      await expect.poll(() => requests.length).toBe(2)
      const resumeHeader = await requests[1]?.headerValue('last-event-id')
      expect(Number(resumeHeader)).toBeGreaterThanOrEqual(Math.max(...before.map((t) => t.id)))

      await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
      await expect
        .poll(async () => (await wireTicks(page)).length)
        .toBeGreaterThan(before.length + 20)

      const ticks = await wireTicks(page)
      const ids = ticks.map((t) => t.id)
      expect(new Set(ids).size, 'no tick arrives twice').toBe(ids.length)
      ids.forEach((id, i) => i > 0 && expect(id).toBeGreaterThan(ids[i - 1] ?? 0))
      for (const symbol of ['AAPL', 'MSFT', 'NVDA', 'TSLA']) {
        const seqs = ticks.filter((t) => t.symbol === symbol).map((t) => t.seq)
        seqs.forEach(
          (s, i) =>
            i > 0 && expect(s, `${symbol} after #${seqs[i - 1]}`).toBe((seqs[i - 1] ?? 0) + 1),
        )
      }
      await expect(page.getByTestId('gap-count')).toHaveText('0')
      await expect(page.getByTestId('duplicate-count')).toHaveText('0')
      await expect(page.getByTestId('reset-count')).toHaveText('0')
    } finally {
      await proxy.close()
    }
  },
)
