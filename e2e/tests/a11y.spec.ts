import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'
import { freshName } from '@duplex/testing/names'
import { signInPage } from '../fixtures/users.ts'

/** The pages checked, one a line so each goes with its demo. */
const PAGES = [
  '/',
  '/ticker', // demo:ticker
  '/progress', // demo:progress
]

for (const path of PAGES) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`${path} has no serious or critical accessibility violations (${scheme})`, async ({
      page,
    }) => {
      // Signed in, so the demos are checked as a user sees them, not their sign-in card.
      await signInPage(page, freshName('a11y'))
      await page.emulateMedia({ colorScheme: scheme })
      await page.goto(path)
      await expect(page.locator('main')).toBeVisible()
      // Let live data render: event streams never make the page "network idle".
      await page.waitForTimeout(1000)
      const results = await new AxeBuilder({ page }).analyze()
      const serious = results.violations.filter(
        (v) => v.impact === 'serious' || v.impact === 'critical',
      )
      expect(
        serious.map(
          (v) =>
            `${v.id}: ${v.help} (${v.nodes
              .map((n) => n.target.join(' '))
              .slice(0, 3)
              .join(', ')})`,
        ),
      ).toEqual([])
    })
  }
}
