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
