import { freshName } from '@duplex/testing/names'
import { editor, openDoc, typeAt } from '../fixtures/editor.ts'
import { expect, test } from '../fixtures/realtime.ts'
import { openUser } from '../fixtures/users.ts'

// Issue 19, items 11 and 12: the editor shows where keyboard focus is and says how to leave it
// (Tab indents there), and other people's name tags do not sit over the text for good.
test.describe.configure({ timeout: 90_000 })

test('the editor shows a focus ring and says how to leave it; Esc then Tab leaves', async ({
  browser,
}) => {
  const doc = freshName('keys')
  const ada = await openUser(browser, 'Ada')
  await openDoc(ada.page, doc)
  const text = editor(ada.page)
  const hintId = await text.getAttribute('aria-describedby')
  expect(hintId).toBeTruthy()
  const hint = ada.page.locator(`[id="${hintId}"]`)
  await expect(hint).toBeVisible()
  await expect(hint).toHaveText('Tab indents. To leave the editor, press Esc, then Tab.')

  await text.focus()
  await expect(ada.page.locator('.cm-editor')).not.toHaveCSS('outline-style', 'none')
  await ada.page.keyboard.press('Escape')
  await ada.page.keyboard.press('Tab')
  await expect(text).not.toBeFocused()
  await ada.context.close()
})

test('another person’s name tag shows while they move, then gets out of the way of the text', async ({
  browser,
}) => {
  const doc = freshName('tags')
  const ada = await openUser(browser, 'Ada')
  const bob = await openUser(browser, 'Bob')
  await openDoc(ada.page, doc)
  await openDoc(bob.page, doc)
  await typeAt(ada.page, 'end', 'First line\nSecond line')
  await typeAt(bob.page, 'end', '!')
  const tag = ada.page.locator('.cm-ySelectionInfo', { hasText: 'Bob' })
  await expect(tag).toHaveCSS('opacity', '1')
  // A few seconds after Bob stopped, the tag no longer covers Ada's first line.
  await expect(tag).toHaveCSS('opacity', '0', { timeout: 10_000 })
  await expect(tag).toHaveCSS('pointer-events', 'none')
  // Bob moves again: the tag is back for a moment.
  await typeAt(bob.page, 'start', '#')
  await expect(tag).toHaveCSS('opacity', '1')
  await ada.context.close()
  await bob.context.close()
})
