import { expect, test } from '@playwright/test'

// /compare explains itself (issue 13): a summary first, and missed goals in context.

test('the committed run opens with a summary that explains every missed goal', async ({ page }) => {
  // Signed in, so the live run (behind the sign-in form) is on the page too.
  expect((await page.request.post('/api/session', { data: { name: 'Ada' } })).status()).toBe(200)
  await page.goto('/compare')
  const summary = page.getByTestId('compare-summary')
  await expect(summary).toBeVisible()
  await expect(summary).toContainText('Compared:')
  await expect(summary).toContainText(/\d+ cores/)
  await expect(page.getByTestId('summary-score')).toHaveText(/^\d+ of \d+ goals met\./)
  // The summary comes first, before the live run and the tables.
  const summaryTop = (await summary.boundingBox())?.y ?? Infinity
  const liveTop =
    (await page.getByRole('heading', { name: /^Live:/ }).boundingBox())?.y ?? -Infinity
  expect(summaryTop).toBeLessThan(liveTop)

  const missed = page.getByRole('list', { name: 'Missed goals, and what they mean' }).locator('li')
  for (const goal of await missed.all()) {
    // One sentence on why and what it means, not just the numbers again.
    await expect(goal.locator('p').nth(1)).not.toHaveText(/^See the table below/)
  }
  // The live charts name their lines in a legend and say how the axis is scaled.
  await expect(page.getByRole('list', { name: 'Legend' }).first()).toContainText('Socket.IO')
  await expect(page.getByText('share of each transport’s own run').first()).toBeVisible()
  await expect(page.getByText(/its own HTTP POST/)).toBeVisible()
})

test('in Chinese, the summary and every missed goal read in Chinese', async ({
  page,
  context,
  baseURL,
}) => {
  await context.addCookies([{ name: 'duplex-locale', value: 'zh-CN', url: baseURL ?? '' }])
  await page.goto('/compare')
  const summary = page.getByTestId('compare-summary')
  await expect(summary.getByRole('heading', { level: 2 })).toHaveText('一句话总结')
  await expect(summary).toContainText('对比对象：')
  await expect(page.getByTestId('summary-score')).toHaveText(/^\d+ 个目标中达成 \d+ 个。/)
  const missed = page.getByRole('list', { name: '未达成的目标及其含义' }).locator('li')
  for (const goal of await missed.all()) {
    // The goal's name and its explanation are Chinese sentences, not the run's English words or
    // the pointer at the table.
    await expect(goal.locator('p').first()).toContainText(/[\u4e00-\u9fff]/)
    await expect(goal.locator('p').nth(1)).toContainText(/[\u4e00-\u9fff]{8}/)
    await expect(goal.locator('p').nth(1)).not.toHaveText(/^实测值与目标见下方表格/)
  }
})

test('/compare opens at the top: the name field does not take focus and scroll the title away', async ({
  page,
}) => {
  await page.goto('/compare')
  await expect(page.getByRole('heading', { name: /Pick a name to run/ })).toBeVisible()
  await page.waitForLoadState('load')
  expect(await page.evaluate(() => window.scrollY)).toBe(0)
  await expect(page.getByRole('heading', { level: 1 })).toBeInViewport()
})

test('on a phone /compare is short and its live table shows Done, Time, p50 and p99 on screen', async ({
  page,
}) => {
  expect((await page.request.post('/api/session', { data: { name: 'Ada' } })).status()).toBe(200)
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto('/compare')
  const table = page.getByTestId('live-totals')
  await expect(table).toBeVisible()
  for (const column of ['done', 'time', 'p50', 'p99']) {
    for (const transport of ['sse', 'socketio']) {
      const cell = table.locator(`tr[data-transport="${transport}"] [data-column="${column}"]`)
      await expect(cell).toBeVisible()
      const box = await cell.boundingBox()
      expect(box, `${transport} ${column}`).not.toBeNull()
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390)
    }
  }
  // Nothing on the page is wider than the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
  // The secondary sections fold away behind buttons that open them.
  const height = await page.evaluate(() => document.documentElement.scrollHeight)
  expect(height).toBeLessThan(7000)
  const more = page.getByRole('button', { name: /benchmark/i }).first()
  await expect(more).toHaveAttribute('aria-expanded', 'false')
  await more.click()
  await expect(more).toHaveAttribute('aria-expanded', 'true')
  await expect(page.getByTestId('committed-goals')).toBeVisible()
})
