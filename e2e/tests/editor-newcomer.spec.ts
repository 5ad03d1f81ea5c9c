import { freshName } from '@duplex/testing/names'
import type { Page } from '@playwright/test'
import { editorText, openDoc, typeAt } from '../fixtures/editor.ts'
import { expect, test } from '../fixtures/realtime.ts'
import { openUser } from '../fixtures/users.ts'

// The editor's document list as a newcomer met it (issue 13, bug 3): no empty documents from
// merely opening a URL, a preview line, rename and delete, and a list that follows changes.
test.describe.configure({ timeout: 120_000 })

function row(page: Page, name: string) {
  return page.getByRole('list', { name: 'Documents' }).locator(`[data-name="${name}"]`)
}

async function openList(page: Page) {
  await page.goto('/editor')
  await expect(page.getByRole('heading', { name: 'Documents' })).toBeVisible()
  await expect(page.getByRole('list', { name: 'Loading documents' })).toHaveCount(0)
}

test('opening a URL lists nothing until someone types; then the list shows a preview', async ({
  browser,
}) => {
  const name = freshName('peek')
  const ada = await openUser(browser, 'Ada')
  await openDoc(ada.page, name)
  await openList(ada.page)
  await expect(row(ada.page, name)).toHaveCount(0)

  await openDoc(ada.page, name)
  await typeAt(ada.page, 'end', 'Plan for launch day')
  await expect.poll(() => editorText(ada.page)).toBe('Plan for launch day')
  await openList(ada.page)
  await expect(row(ada.page, name).getByTestId('doc-preview')).toHaveText('Plan for launch day')
  await ada.context.close()
})

test('rename and delete from the list, and other people see both live', async ({ browser }) => {
  const name = freshName('draft')
  const renamed = freshName('final')
  const ada = await openUser(browser, 'Ada')
  const bob = await openUser(browser, 'Bob')
  // Bob's first edit makes the document his: he may rename and delete it, Ada may edit it.
  await openDoc(bob.page, name)
  await typeAt(bob.page, 'end', 'Draft text')
  await expect.poll(() => editorText(bob.page)).toBe('Draft text')
  await openDoc(ada.page, name)

  const bobsList = await bob.context.newPage()
  await openList(bobsList)
  await expect(row(bobsList, name)).toBeVisible()
  await bobsList.getByRole('button', { name: `Rename ${name}` }).click()
  await bobsList.getByLabel(`New name for ${name}`).fill(renamed)
  await bobsList.getByRole('button', { name: 'Save' }).click()
  await expect(row(bobsList, renamed)).toBeVisible()
  await expect(row(bobsList, name)).toHaveCount(0)

  // Ada had it open: she is told, and follows the link to the new name with the text there.
  await expect(ada.page.getByTestId('doc-gone')).toContainText(
    `renamed this document to ${renamed}`,
  )
  await ada.page.getByRole('link', { name: renamed, exact: true }).click()
  await expect(ada.page.getByTestId('connection-status')).toContainText('synced')
  await expect.poll(() => editorText(ada.page)).toBe('Draft text')

  // A document Ada creates appears in Bob's open list without a reload, as hers.
  const another = freshName('another')
  await ada.page.goto(`/editor/${another}`)
  await expect(ada.page.getByTestId('connection-status')).toContainText('synced')
  await typeAt(ada.page, 'end', 'Second')
  await expect(row(bobsList, another)).toBeVisible()
  await expect(row(bobsList, another).getByTestId('doc-owner-only')).toContainText('Only Ada')

  // She deletes it from her list; her open editor is told, and it leaves Bob's list by itself.
  const adasList = await ada.context.newPage()
  await openList(adasList)
  await adasList.getByRole('button', { name: `Delete ${another}` }).click()
  await adasList.getByRole('button', { name: `Yes, delete ${another}` }).click()
  await expect(row(adasList, another)).toHaveCount(0)
  await expect(ada.page.getByTestId('doc-gone')).toContainText('deleted this document')
  await expect(row(bobsList, another)).toHaveCount(0)
  await ada.context.close()
  await bob.context.close()
})

test('on a 390×844 phone the document is on screen without scrolling', async ({ browser }) => {
  const name = freshName('phone')
  const ada = await openUser(browser, 'Ada')
  await ada.page.setViewportSize({ width: 390, height: 844 })
  await openDoc(ada.page, name)
  const section = await ada.page.getByRole('region', { name: `Document ${name}` }).boundingBox()
  if (!section) throw new Error('the working area is not rendered')
  expect(section.y).toBeGreaterThan(0)
  expect(section.y + section.height).toBeLessThanOrEqual(844)
  await expect(ada.page.getByRole('textbox', { name: /^Text of / })).toBeInViewport()
  // On a phone the header's menu button names the page you are on.
  await expect(
    ada.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Editor/ }),
  ).toBeInViewport({ ratio: 1 })
  await ada.context.close()
})

test('a realtime server that is gone is explained, and the editor picks up when it is back', async ({
  browser,
  realtime,
}) => {
  const name = freshName('down')
  const ada = await openUser(browser, 'Ada')
  await openDoc(ada.page, name)
  const bringBack = await realtime.takeDown()
  try {
    await expect(ada.page.getByTestId('connection-status')).toHaveAttribute(
      'data-status',
      'reconnecting',
    )
    await expect(ada.page.getByTestId('realtime-unreachable')).toContainText(
      'The realtime server is unreachable',
    )
  } finally {
    await bringBack()
  }
  await expect(ada.page.getByTestId('connection-status')).toContainText('synced')
  await expect(ada.page.getByTestId('realtime-unreachable')).toHaveCount(0)
  await ada.context.close()
})
