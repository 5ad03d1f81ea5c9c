import { freshName } from '@duplex/testing/names'
import { E2E } from '../fixtures/ports.ts'
import { expect, test } from '../fixtures/realtime.ts'
import { expectNoSeriousA11yViolations, openUser } from '../fixtures/users.ts'

// Three transports one after the other, in a real browser, against the production servers.
test.describe.configure({ timeout: 120_000 })

test('/compare is reachable from the nav and from an answer of the decision tree', async ({
  page,
}) => {
  await page.goto('/')
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Compare' })
    .click()
  await expect(page).toHaveURL(/\/compare$/)
  await expect(page.getByRole('heading', { level: 1, name: 'Compare the numbers' })).toBeVisible()

  await page.goto('/')
  await page.getByRole('button', { name: /^No/ }).first().click()
  await page.getByRole('button', { name: /^No/ }).first().click()
  await page.getByRole('button', { name: /^Yes/ }).first().click()
  await page
    .getByTestId('recommendation')
    .getByRole('link', { name: 'Compare the numbers' })
    .click()
  await expect(page).toHaveURL(/\/compare$/)
})

test('a signed-out visitor is asked for a name; the committed results show with their machine', async ({
  page,
}) => {
  await page.goto('/compare')
  await expect(
    page.getByRole('heading', { name: /Pick a name to run the live comparison/ }),
  ).toBeVisible()
  await expect(
    page.getByRole('heading', { name: 'The last committed benchmark run' }),
  ).toBeVisible()
  await expect(page.getByText(/cores, \d+ GiB, Node v\d+/)).toBeVisible()
  await expect(page.getByTestId('committed-goals').getByRole('row')).not.toHaveCount(1)
  await expectNoSeriousA11yViolations(page)
})

for (const scheme of ['light', 'dark'] as const) {
  test(`a live run sends the same messages over SSE, Socket.IO and Yjs and totals each (${scheme})`, async ({
    browser,
  }) => {
    const user = await openUser(browser, freshName('compare'))
    const { page } = user
    await page.emulateMedia({ colorScheme: scheme })
    await page.goto(`${E2E.webUrl}/compare`)
    await page.getByLabel('Message count').selectOption('500')
    await page.getByRole('button', { name: 'Run comparison' }).click()
    await expect(page.getByRole('status').filter({ hasText: 'Run finished.' })).toBeVisible({
      timeout: 90_000,
    })
    for (const transport of ['sse', 'socketio', 'yjs']) {
      const row = page.getByTestId('live-totals').locator(`tr[data-transport="${transport}"]`)
      // Every message came back exactly once: 500 of 500, no duplicates.
      await expect(row).toContainText('500 / 500')
      await expect(row.locator('td').last()).toHaveText('0')
    }
    await expect(page.getByRole('button', { name: 'Run comparison' })).toBeEnabled()
    await expectNoSeriousA11yViolations(page)
    await user.context.close()
  })
}
