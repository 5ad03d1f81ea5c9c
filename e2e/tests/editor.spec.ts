import { freshName } from '@duplex/testing/names'
import { editorText, openDoc, typeAt } from '../fixtures/editor.ts'
import { interleavingProblems } from '../fixtures/interleaving.ts'
import { startNetworkSwitch } from '../fixtures/network-switch.ts'
import { DURABLE } from '../fixtures/projects.ts'
import { expect, test } from '../fixtures/realtime.ts'
import { expectNoSeriousA11yViolations, openUser } from '../fixtures/users.ts'

// Two browsers, a realtime server that restarts, on a two-core machine shared with other suites.
test.describe.configure({ timeout: 120_000 })

test(
  'two people typing at once end up with the same text, with both edits',
  { tag: DURABLE },
  async ({ browser }) => {
    const doc = freshName('together')
    const ada = await openUser(browser, 'Ada')
    const bob = await openUser(browser, 'Bob')
    await openDoc(ada.page, doc)
    await openDoc(bob.page, doc)
    await typeAt(ada.page, 'end', 'middle line')
    await expect.poll(() => editorText(bob.page)).toBe('middle line')

    // Two spots with "middle line" between them: the edits cannot interleave (the next test types
    // at one spot), so the merged text is exact.
    await Promise.all([
      typeAt(ada.page, 'start', 'Ada was here. '),
      typeAt(bob.page, 'end', ' Bob was here.'),
    ])
    await expect.poll(() => editorText(ada.page)).toBe('Ada was here. middle line Bob was here.')
    await expect.poll(() => editorText(bob.page)).toBe(await editorText(ada.page))

    // The wire panel labels the binary frames.
    const wire = bob.page.getByTestId('wire-log')
    await expect(wire.locator('li[data-kind="sync-step-1"]').first()).toBeAttached()
    await expect(wire.locator('li[data-kind="update"]').first()).toContainText('update')
    // Awareness frames name whoever moved last, Bob's own echo included: one of them names Ada.
    await expect(
      wire.locator('li[data-kind="awareness"]', { hasText: '"name":"Ada"' }).first(),
    ).toBeAttached()
    await ada.context.close()
    await bob.context.close()
  },
)

test(
  'two people typing at the same spot at once keep every keystroke of both, each in their own order',
  { tag: DURABLE },
  async ({ browser }) => {
    const doc = freshName('same-spot')
    const ada = await openUser(browser, 'Ada')
    const bob = await openUser(browser, 'Bob')
    await openDoc(ada.page, doc)
    await openDoc(bob.page, doc)
    const writers = {
      Ada: ['[ada-1]', '[ada-2]', '[ada-3]'],
      Bob: ['[bob-1]', '[bob-2]', '[bob-3]'],
    }
    // Both at the end, key by key: each caret moves past the other's inserts as they arrive, so
    // words may come out split ("[bo[ada-2]b-2]"). Every character must still be there exactly
    // once, each person's in the order they typed, and both editors the same.
    await Promise.all(
      [ada, bob].map(async (user) => {
        for (const edit of writers[user.name as 'Ada' | 'Bob']) await typeAt(user.page, 'end', edit)
      }),
    )
    for (const page of [ada.page, bob.page]) {
      await expect
        .poll(async () => interleavingProblems(await editorText(page), writers))
        .toEqual([])
    }
    expect(await editorText(bob.page)).toBe(await editorText(ada.page))
    await ada.context.close()
    await bob.context.close()
  },
)

test('the other person’s cursor is shown with their name', async ({ browser }) => {
  const doc = freshName('cursor')
  const ada = await openUser(browser, 'Ada')
  const bob = await openUser(browser, 'Bob')
  await openDoc(ada.page, doc)
  await openDoc(bob.page, doc)
  await typeAt(ada.page, 'end', 'Where am I?')

  const caret = bob.page.locator('.cm-ySelectionCaret', { hasText: 'Ada' })
  await expect(caret).toBeVisible()
  await expect(
    bob.page.getByRole('list', { name: 'People in this document' }).getByRole('listitem'),
  ).toHaveCount(2)
  await expect(bob.page.getByTestId('peer-count')).toHaveText('2 here')
  await ada.context.close()
  // Closing a tab removes its cursor and avatar for the others.
  await expect(caret).toHaveCount(0)
  await expect(bob.page.getByTestId('peer-count')).toHaveText('1 here')
  await bob.context.close()
})

test(
  'edits made while offline merge when the connection comes back',
  { tag: DURABLE },
  async ({ browser }) => {
    const doc = freshName('offline')
    const net = await startNetworkSwitch()
    try {
      const ada = await openUser(browser, 'Ada', net.webUrl)
      const bob = await openUser(browser, 'Bob')
      await openDoc(ada.page, doc)
      await openDoc(bob.page, doc)
      await typeAt(ada.page, 'end', 'shared start')
      await expect.poll(() => editorText(bob.page)).toBe('shared start')

      net.setOnline(false)
      await ada.context.setOffline(true)
      await expect(ada.page.getByTestId('connection-status')).not.toHaveAttribute(
        'data-status',
        'open',
      )

      await typeAt(ada.page, 'start', 'ada-offline ')
      await typeAt(bob.page, 'end', ' bob-online')
      await expect.poll(() => editorText(ada.page)).toBe('ada-offline shared start')
      await expect.poll(() => editorText(bob.page)).toBe('shared start bob-online')

      await ada.context.setOffline(false)
      net.setOnline(true)
      await expect(ada.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
      await expect.poll(() => editorText(ada.page)).toBe('ada-offline shared start bob-online')
      await expect.poll(() => editorText(bob.page)).toBe('ada-offline shared start bob-online')
      await ada.context.close()
      await bob.context.close()
    } finally {
      await net.close()
    }
  },
)

test(
  'the document survives a restart of the realtime server',
  { tag: DURABLE },
  async ({ browser, realtime }) => {
    const doc = freshName('durable')
    const ada = await openUser(browser, 'Ada')
    await openDoc(ada.page, doc)
    await typeAt(ada.page, 'end', 'Written before the restart.')

    await realtime.restart()
    // The open page reconnects by itself and keeps its text.
    await expect(ada.page.getByTestId('connection-status')).toContainText('synced')
    await typeAt(ada.page, 'end', ' And after.')

    const bob = await openUser(browser, 'Bob')
    await openDoc(bob.page, doc)
    await expect.poll(() => editorText(bob.page)).toBe('Written before the restart. And after.')
    await ada.page.reload()
    await expect.poll(() => editorText(ada.page)).toBe('Written before the restart. And after.')
    await ada.context.close()
    await bob.context.close()
  },
)

test('undo takes back only your own edits', async ({ browser }) => {
  const doc = freshName('undo')
  const ada = await openUser(browser, 'Ada')
  const bob = await openUser(browser, 'Bob')
  await openDoc(ada.page, doc)
  await openDoc(bob.page, doc)
  await typeAt(bob.page, 'end', 'from bob')
  await expect.poll(() => editorText(ada.page)).toBe('from bob')
  await typeAt(ada.page, 'start', 'from ada ')
  await expect.poll(() => editorText(bob.page)).toBe('from ada from bob')

  await ada.page.getByRole('button', { name: 'Undo' }).click()
  await expect.poll(() => editorText(ada.page)).toBe('from bob')
  await expect.poll(() => editorText(bob.page)).toBe('from bob')
  await ada.page.getByRole('button', { name: 'Redo' }).click()
  await expect.poll(() => editorText(bob.page)).toBe('from ada from bob')
  await ada.context.close()
  await bob.context.close()
})

test('documents can be created from the list and show up in it', async ({ browser }) => {
  const ada = await openUser(browser, 'Ada')
  await ada.page.goto('/editor')
  const doc = freshName('listed')
  await ada.page.getByLabel('New document name').fill(doc)
  await ada.page.getByRole('button', { name: 'New document' }).click()
  await expect(ada.page).toHaveURL(new RegExp(`/editor/${doc}$`))
  await expect(ada.page.getByTestId('connection-status')).toContainText('synced')
  await ada.page.getByRole('link', { name: '← All documents' }).click()
  await expect(
    ada.page.getByRole('list', { name: 'Documents' }).getByRole('link', { name: new RegExp(doc) }),
  ).toBeVisible()
  await ada.context.close()
})

for (const scheme of ['light', 'dark'] as const) {
  test(`editor pages have no serious accessibility violations (${scheme})`, async ({ browser }) => {
    const ada = await openUser(browser, 'Ada')
    const bob = await openUser(browser, 'Bob')
    await ada.page.emulateMedia({ colorScheme: scheme })
    await ada.page.goto('/editor')
    await expect(ada.page.getByRole('heading', { name: 'Documents' })).toBeVisible()
    await expect(ada.page.getByLabel('Loading documents')).toHaveCount(0)
    await expectNoSeriousA11yViolations(ada.page)

    const doc = freshName('a11y')
    await openDoc(ada.page, doc)
    await openDoc(bob.page, doc)
    await typeAt(
      bob.page,
      'end',
      '# Heading\n\nSome *emphasis*, a [link](https://example.com) and `code`.',
    )
    await expect(ada.page.locator('.cm-ySelectionCaret', { hasText: 'Bob' })).toBeVisible()
    await expectNoSeriousA11yViolations(ada.page)
    await ada.context.close()
    await bob.context.close()
  })
}
