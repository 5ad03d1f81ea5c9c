import { freshName } from '@duplex/testing/names'
import type { Page } from '@playwright/test'
import { editor, editorText, openDoc, typeAt } from '../fixtures/editor.ts'
import { expect, test } from '../fixtures/realtime.ts'
import { openUser } from '../fixtures/users.ts'

// Issue 19, item 2: an editor whose document someone else renamed or deleted turns read-only at
// once and says who did it, so nothing typed afterwards is accepted and lost; the old URL of a
// renamed document leads to the new name, and a deleted one's says so instead of opening anew.
test.describe.configure({ timeout: 120_000 })

function row(page: Page, name: string) {
  return page.getByRole('list', { name: 'Documents' }).locator(`[data-name="${name}"]`)
}

async function openList(page: Page) {
  await page.goto('/editor')
  await expect(page.getByRole('heading', { name: 'Documents' })).toBeVisible()
  await expect(page.getByRole('list', { name: 'Loading documents' })).toHaveCount(0)
}

/** Types into the editor the way a person would, wherever the caret was left. */
async function typeMore(page: Page, text: string) {
  await editor(page).click({ force: true })
  await page.keyboard.press('Control+End')
  await page.keyboard.type(text, { delay: 15 })
}

test('a document renamed by someone else turns read-only at once, says by whom, and its old URL leads to the new name', async ({
  browser,
}) => {
  const name = freshName('tmp-doc')
  const renamed = freshName('tmp-doc-new')
  const bob = await openUser(browser, 'Bob')
  const ada = await openUser(browser, 'Ada')
  await openDoc(bob.page, name)
  await typeAt(bob.page, 'end', 'Agenda.')
  await openDoc(ada.page, name)
  await expect.poll(() => editorText(ada.page)).toBe('Agenda.')
  await typeAt(ada.page, 'end', ' Ada was here.')
  await expect.poll(() => editorText(bob.page)).toBe('Agenda. Ada was here.')

  await openList(bob.page)
  await bob.page.getByRole('button', { name: `Rename ${name}` }).click()
  await bob.page.getByLabel(`New name for ${name}`).fill(renamed)
  await bob.page.getByRole('button', { name: 'Save' }).click()
  await expect(row(bob.page, renamed)).toBeVisible()

  const notice = ada.page.getByTestId('doc-gone')
  await expect(notice).toContainText(`Bob renamed this document to ${renamed}`)
  await expect(ada.page.getByTestId('editor')).toHaveAttribute('data-readonly', 'true')
  await expect(editor(ada.page)).toHaveAttribute('contenteditable', 'false')
  await expect(ada.page.getByRole('button', { name: 'Work offline' })).toHaveCount(0)

  // Ada keeps typing: the page refuses it, and what she sees is exactly what was there.
  await typeMore(ada.page, ' lost?')
  expect(await editorText(ada.page)).toBe('Agenda. Ada was here.')

  // The new name has everything she sees; the old URL leads there, saying so.
  await ada.page.getByRole('link', { name: `Open ${renamed}` }).click()
  await expect(ada.page).toHaveURL(new RegExp(`/editor/${renamed}$`))
  await expect(ada.page.getByTestId('connection-status')).toContainText('synced')
  await expect.poll(() => editorText(ada.page)).toBe('Agenda. Ada was here.')
  await ada.page.goto(`/editor/${name}`)
  await expect(ada.page).toHaveURL(new RegExp(`/editor/${renamed}\\?from=${name}$`))
  await expect(ada.page.getByTestId('doc-renamed-from')).toContainText(
    `${name} was renamed to ${renamed} by Bob`,
  )
  await expect.poll(() => editorText(ada.page)).toBe('Agenda. Ada was here.')
  await ada.page.reload()
  await expect(ada.page.getByTestId('connection-status')).toContainText('synced')
  await expect.poll(() => editorText(ada.page)).toBe('Agenda. Ada was here.')
  await ada.context.close()
  await bob.context.close()
})

test('a document deleted by someone else turns read-only at once, offers the text, and its URL says it was deleted', async ({
  browser,
}) => {
  const name = freshName('tmp-doc')
  const bob = await openUser(browser, 'Bob')
  const ada = await openUser(browser, 'Ada')
  await ada.context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await openDoc(bob.page, name)
  await typeAt(bob.page, 'end', 'Minutes.')
  await openDoc(ada.page, name)
  await typeAt(ada.page, 'end', ' Ada’s notes.')
  await expect.poll(() => editorText(bob.page)).toBe('Minutes. Ada’s notes.')

  await openList(bob.page)
  await bob.page.getByRole('button', { name: `Delete ${name}` }).click()
  await bob.page.getByRole('button', { name: `Yes, delete ${name}` }).click()
  await expect(row(bob.page, name)).toHaveCount(0)

  const notice = ada.page.getByTestId('doc-gone')
  await expect(notice).toContainText('Bob deleted this document')
  await expect(editor(ada.page)).toHaveAttribute('contenteditable', 'false')
  await expect(ada.page.getByRole('button', { name: 'Work offline' })).toHaveCount(0)
  await typeMore(ada.page, ' more')
  expect(await editorText(ada.page)).toBe('Minutes. Ada’s notes.')

  // Her text is hers to take away.
  await notice.getByRole('button', { name: 'Copy your text' }).click()
  await expect(ada.page.getByTestId('doc-copied')).toContainText('Copied')
  expect(await ada.page.evaluate(() => navigator.clipboard.readText())).toBe(
    'Minutes. Ada’s notes.',
  )
  const download = ada.page.waitForEvent('download')
  await notice.getByRole('button', { name: 'Download as .md' }).click()
  expect((await download).suggestedFilename()).toBe(`${name}.md`)

  // Reloading says what happened instead of opening a new, empty document of that name…
  await ada.page.reload()
  const deleted = ada.page.getByTestId('doc-deleted')
  await expect(deleted).toContainText(`Bob deleted ${name}`)
  await expect(editor(ada.page)).toHaveCount(0)
  await openList(bob.page)
  await expect(row(bob.page, name)).toHaveCount(0)

  // …and making one again is a deliberate step.
  await ada.page.goto(`/editor/${name}`)
  await deleted.getByRole('button', { name: `Create a new, empty document named ${name}` }).click()
  await expect(ada.page.getByTestId('connection-status')).toContainText('synced')
  expect(await editorText(ada.page)).toBe('')
  await typeAt(ada.page, 'end', 'Fresh start')
  await openList(bob.page)
  await expect(row(bob.page, name)).toBeVisible()
  await ada.context.close()
  await bob.context.close()
})
