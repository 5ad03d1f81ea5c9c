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
