import { expect, test } from '@playwright/test'

test('the decision tree leads from questions to the demo that fits', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByRole('heading', { level: 1 })).toContainText(
    'Server-Sent Events or WebSockets',
  )
  await expect(page.getByRole('table')).toContainText('Last-Event-ID')
  const tree = page.getByTestId('decision-tree')
  await tree.getByRole('button', { name: 'No' }).click() // not bidirectional
  await tree.getByRole('button', { name: 'No' }).click() // no binary
  await tree.getByRole('button', { name: 'Yes' }).click() // continuous values
  await expect(tree.getByTestId('recommendation')).toContainText('Server-Sent Events')
  await tree.getByRole('link', { name: /stock ticker/ }).click() // demo:ticker
  await expect(page).toHaveURL(/\/ticker$/) // demo:ticker

  await page.goto('/')
  await tree.getByRole('button', { name: 'Yes' }).click()
  await tree.getByRole('button', { name: 'Yes' }).click()
  await expect(tree.getByTestId('recommendation')).toContainText('CRDT')
  // demo:editor:start
  await expect(tree.getByRole('link', { name: /collaborative editor/ })).toHaveAttribute(
    'href',
    '/editor',
  )
  // demo:editor:end
})

test('an unknown URL shows the site’s own 404 with a way home, and every page has an icon', async ({
  page,
}) => {
  const response = await page.goto('/no-such-page')
  expect(response?.status()).toBe(404)
  await expect(page.getByTestId('not-found')).toContainText('Nothing is streaming here')
  // The site's header is there too, so the visitor is not stranded on a bare error.
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible()
  await page.getByRole('link', { name: 'Back to the guide' }).click()
  await expect(page).toHaveURL(/\/$/)

  const icon = await page.locator('link[rel="icon"]').first().getAttribute('href')
  expect(icon).toBeTruthy()
  const served = await page.request.get(icon ?? '')
  expect(served.status()).toBe(200)
  expect(served.headers()['content-type']).toContain('image/')
})
