import { expect, test, type Page } from '@playwright/test'
import { freshName } from '@duplex/testing/names'
import { E2E } from '../fixtures/ports.ts'
import { DURABLE } from '../fixtures/projects.ts'
import { expectNoSeriousA11yViolations, openUser } from '../fixtures/users.ts'

// "Break it" on the ticker: each fault the panel offers, and the recovery the page reports.
test.describe.configure({ timeout: 90_000 })

async function openTicker(page: Page) {
  await page.goto('/ticker?symbols=AAPL,MSFT')
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  const panel = page.getByTestId('fault-panel')
  await expect(panel.getByTestId('fault-drop')).toBeEnabled()
  return panel
}

/** Ticks keep coming and every symbol's seq still went up by one: nothing lost, nothing twice. */
async function expectIntactStream(page: Page) {
  const panel = page.getByTestId('fault-panel')
  const lastId = panel.getByTestId('fault-last-id')
  const before = Number(await lastId.textContent())
  await expect.poll(async () => Number(await lastId.textContent())).toBeGreaterThan(before + 3)
  await expect(panel.getByTestId('fault-gaps')).toHaveText('0')
  await expect(panel.getByTestId('fault-duplicates')).toHaveText('0')
  await expect(page.getByTestId('reset-count')).toHaveText('0')
}

test(
  'drop it now: EventSource reconnects with Last-Event-ID and misses nothing',
  { tag: DURABLE },
  async ({ browser }) => {
    const { page, context } = await openUser(browser, 'Ada')
    const panel = await openTicker(page)
    const reconnects: string[] = []
    page.on('request', (r) => {
      if (r.url().includes('/api/ticker/stream'))
        void r.allHeaders().then((h) => reconnects.push(h['last-event-id'] ?? r.url()))
    })

    await panel.getByTestId('fault-drop').click()
    const timeline = panel.getByTestId('fault-timeline')
    await expect(timeline).toContainText('Asked the server to cut the stream.')
    await expect(timeline).toContainText('resumed from Last-Event-ID')
    await expect(panel.getByTestId('fault-resumes')).toHaveText('1')
    await expect(panel.getByTestId('fault-connection')).toHaveText('#2')
    // The reconnect named the last event it had, by header or (manual reconnects) by query.
    expect(reconnects).toHaveLength(1)
    expect(reconnects[0]).toMatch(/^\d+$|lastEventId=\d+/)
    await expectIntactStream(page)
    // The panel with its steps and timeline filled in stays readable for everyone.
    await expectNoSeriousA11yViolations(page)
    await context.close()
  },
)

test(
  'server restart: the stream ends with a retry: hint and resumes where it was',
  { tag: DURABLE },
  async ({ browser }) => {
    const { page, context } = await openUser(browser, 'Ada')
    const panel = await openTicker(page)

    await panel.getByTestId('fault-restart').click()
    const timeline = panel.getByTestId('fault-timeline')
    await expect(timeline).toContainText('The server said goodbye')
    await expect(timeline).toContainText('resumed from Last-Event-ID')
    await expect(panel.getByTestId('fault-resumes')).toHaveText('1')
    await expectIntactStream(page)
    await context.close()
  },
)

test(
  'stall: prices freeze, the socket stays open, and the held-back ticks arrive in order',
  { tag: DURABLE },
  async ({ browser }) => {
    const { page, context } = await openUser(browser, 'Ada')
    const panel = await openTicker(page)

    await panel.getByTestId('fault-stall').click()
    const timeline = panel.getByTestId('fault-timeline')
    await expect(timeline).toContainText('Asked the server to stop writing')
    await expect(timeline).toContainText('Frames flow again after')
    // Late, not lost, and on the same connection: nothing reconnected.
    await expect(panel.getByTestId('fault-connection')).toHaveText('#1')
    await expect(panel.getByTestId('fault-resumes')).toHaveText('0')
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
    await expectIntactStream(page)
    await context.close()
  },
)

test('in Chinese, the panel, its buttons, the steps to watch and the timeline read in Chinese', async ({
  browser,
}) => {
  const { page, context } = await openUser(browser, 'Ada')
  await context.addCookies([{ name: 'duplex-locale', value: 'zh-CN', url: E2E.webUrl }])
  const panel = await openTicker(page)
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText('动手弄坏它')
  await expect(panel).toContainText('看 EventSource 如何恢复')
  // The shared panel's own label, with this server's stall (FAULTS_STALL_MS) filled in.
  await expect(panel.getByTestId('fault-stall')).toHaveText('卡住 4 秒')

  await panel.getByTestId('fault-drop').click()
  await expect(panel.getByRole('heading', { level: 3 })).toHaveText('观察要点：立即断开')
  await expect(
    panel.getByRole('listitem').filter({ hasText: '重连请求带上 Last-Event-ID' }),
  ).toHaveText('重连请求带上 Last-Event-ID；服务器从缓冲区里重放你错过的报价。')
  const timeline = panel.getByTestId('fault-timeline')
  await expect(timeline).toContainText('已请求服务器掐断这条流。')
  await expect(timeline).toContainText('连接 #2 已打开，并从 Last-Event-ID 处续传')
  await expect(panel.getByTestId('fault-gaps')).toHaveText('0')
  await context.close()
})

test("faults are bound to the session: a visitor signs in first, and nobody breaks another's stream", async ({
  browser,
}) => {
  const visitor = await browser.newContext()
  const page = await visitor.newPage()
  // The stream itself needs a session now, so the page asks for a name before anything streams.
  await page.goto('/ticker?symbols=AAPL,MSFT')
  await page.getByLabel('Display name').fill('Visitor')
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  const panel = page.getByTestId('fault-panel')
  await expect(panel.getByTestId('fault-drop')).toBeEnabled()
  await expect(panel.getByTestId('fault-connection')).toHaveText('#1')

  const hello = await page
    .locator('[data-testid="wire-log"] li[data-event="hello"] pre')
    .first()
    .textContent()
  const connectionId = /"connectionId":"([^"]+)"/.exec(hello ?? '')?.[1]
  expect(connectionId).toBeTruthy()
  const mallory = await openUser(browser, 'Mallory')
  const answer = await mallory.context.request.post('/api/faults', {
    data: { transport: 'sse', connectionId, fault: 'drop' },
  })
  expect(answer.status()).toBe(404)
  // Nor can another origin, even carrying the owner's own cookie.
  const foreign = await visitor.request.post('/api/faults', {
    data: { transport: 'sse', connectionId, fault: 'drop' },
    headers: { Origin: 'http://elsewhere.example' },
  })
  expect(foreign.status()).toBe(403)
  await expect(panel.getByTestId('fault-connection')).toHaveText('#1')

  await panel.getByTestId('fault-drop').click()
  await expect(panel.getByTestId('fault-connection')).toHaveText('#2')
  await expect(panel.getByTestId('fault-gaps')).toHaveText('0')
  await visitor.close()
  await mallory.context.close()
})

test('too many faults: the panel counts down to when the server takes the next one', async ({
  browser,
}) => {
  const { page, context } = await openUser(browser, freshName('countdown'))
  const panel = await openTicker(page)
  // The server's refusal once a session has used its budget (FAULTS_RATE_POINTS a minute),
  // answered here so the test need not spend a minute of faults to get it.
  await page.route('**/api/faults', (route) =>
    route.request().method() === 'POST'
      ? route.fulfill({
          status: 429,
          headers: { 'Retry-After': '6' },
          json: {
            error: {
              code: 'rate_limited',
              message: 'Too many faults: 10 per 60 s. Try again in 6 s.',
            },
          },
        })
      : route.continue(),
  )
  const drop = panel.getByTestId('fault-drop')
  await drop.click()
  const retry = panel.getByTestId('fault-retry')
  await expect(retry).toContainText(/takes the next one in \d s/)
  await expect(drop).toBeDisabled()
  const seconds = async () => Number(/(\d+) s/.exec((await retry.textContent()) ?? '')?.[1])
  const first = await seconds()
  expect(first).toBeGreaterThan(1)
  // It counts down, not a figure frozen at the moment of the refusal, and then lets go.
  await expect.poll(seconds, { timeout: 5_000 }).toBeLessThan(first)
  await expect(retry).toBeHidden({ timeout: 10_000 })
  await expect(drop).toBeEnabled()
  await context.close()
})
