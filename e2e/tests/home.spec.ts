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
