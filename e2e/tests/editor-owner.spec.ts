import { ApiErrorSchema } from '@duplex/protocol/errors'
import { freshName } from '@duplex/testing/names'
import { editorText, openDoc, typeAt } from '../fixtures/editor.ts'
import { E2E } from '../fixtures/ports.ts'
import { expect, test } from '../fixtures/realtime.ts'
import { openUser, type TestUser } from '../fixtures/users.ts'

// Documents belong to whoever created them: everyone may open and edit, only the owner may
// rename or delete, and the list says so instead of offering buttons that would fail.

test.describe.configure({ timeout: 90_000 })

/** The row of `doc` on the editor's index page, once the list has it. */
async function rowOf(user: TestUser, doc: string) {
  await user.page.goto('/editor')
  const row = user.page.locator(`[data-testid="doc-row"][data-name="${doc}"]`)
  await expect(row).toBeVisible()
  return row
}

test('only the creator of a document may rename or delete it; everyone else is told why and may still edit', async ({
  browser,
}) => {
  const doc = freshName('adas')
  const ada = await openUser(browser, 'Ada')
  const bob = await openUser(browser, 'Bob')
  // Ada's first edit creates the document, in her name.
  await openDoc(ada.page, doc)
  await typeAt(ada.page, 'end', 'Ada wrote this.')

  const adasRow = await rowOf(ada, doc)
  await expect(adasRow.getByRole('button', { name: `Rename ${doc}` })).toBeVisible()
  await expect(adasRow.getByRole('button', { name: `Delete ${doc}` })).toBeVisible()

  // Bob sees the document, who may manage it, and no buttons that would be refused.
  const bobsRow = await rowOf(bob, doc)
  await expect(bobsRow.getByTestId('doc-preview')).toHaveText('Ada wrote this.')
  await expect(bobsRow.getByTestId('doc-owner-only')).toContainText(
    'Only Ada can rename or delete it',
  )
  await expect(bobsRow.getByRole('button')).toHaveCount(0)

  // Asked directly, the realtime server refuses him: 403 forbidden, in JSON.
  const asBob = { headers: { Origin: E2E.webUrl } }
  const deleted = await bob.context.request.delete(`${E2E.realtimeUrl}/api/docs/${doc}`, asBob)
  expect(deleted.status()).toBe(403)
  expect(ApiErrorSchema.parse(await deleted.json()).error.code).toBe('forbidden')
  const renamed = await bob.context.request.patch(`${E2E.realtimeUrl}/api/docs/${doc}`, {
    ...asBob,
    data: { name: `${doc}-bob` },
  })
  expect(renamed.status()).toBe(403)
  expect(ApiErrorSchema.parse(await renamed.json()).error.code).toBe('forbidden')

  // He may still edit it, with Ada.
  await openDoc(ada.page, doc)
  await openDoc(bob.page, doc)
  await typeAt(bob.page, 'end', ' Bob added this.')
  await expect.poll(() => editorText(ada.page)).toBe('Ada wrote this. Bob added this.')

  // In Chinese, the same rule in Chinese words.
  await bob.context.addCookies([{ name: 'duplex-locale', value: 'zh-CN', url: E2E.webUrl }])
  const bobsChineseRow = await rowOf(bob, doc)
  await expect(bobsChineseRow.getByTestId('doc-owner-only')).toContainText(
    '仅 Ada 可以重命名或删除',
  )

  // Ada deletes it from the list; Bob's open editor is told.
  const bobsEditor = await bob.context.newPage()
  await openDoc(bobsEditor, doc)
  const row = await rowOf(ada, doc)
  await row.getByRole('button', { name: `Delete ${doc}` }).click()
  await row.getByRole('button', { name: `Yes, delete ${doc}` }).click()
  await expect(ada.page.locator(`[data-testid="doc-row"][data-name="${doc}"]`)).toHaveCount(0)
  // (Bob reads Chinese now: the notice says it in his words, and names Ada.)
  await expect(bobsEditor.getByTestId('doc-gone')).toHaveAttribute('data-kind', 'deleted')
  await expect(bobsEditor.getByTestId('doc-gone')).toContainText(/^Ada.*删除了这份文档/)
  await bobsEditor.close()
  await ada.context.close()
  await bob.context.close()
})
