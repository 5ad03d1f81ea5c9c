import { freshName } from '@duplex/testing/names'
import { expect, test } from './fixtures/cluster.ts'
import { editorText, openDoc, typeAt } from '../fixtures/editor.ts'
import { interleavingProblems } from '../fixtures/interleaving.ts'
import { DURABLE } from '../fixtures/projects.ts'
import { openUser } from './fixtures/users.ts'

// The editor with user A on realtime instance 0 and user B on instance 1 (each through its own
// pinned proxy, the other instance as backup), then instance 0 killed mid-edit.

test.describe.configure({ timeout: 150_000 })

test(
  'editing across instances survives the death of one: every edit of both users is kept',
  { tag: DURABLE },
  async ({ cluster, browser }) => {
    const doc = freshName('cluster-doc')
    const ada = await openUser(browser, 'Ada', cluster.pinned[0])
    const bob = await openUser(browser, 'Bob', cluster.pinned[1])
    await openDoc(ada.page, doc)
    await openDoc(bob.page, doc)
    const yjsOn = async (i: 0 | 1) =>
      ((await cluster.realtime[i].health()).connections as { yjs: number }).yjs
    // Each user's connection is on their own instance (read from its health, which may lag the
    // page's "synced" by a moment).
    await expect.poll(() => yjsOn(0)).toBeGreaterThan(0)
    await expect.poll(() => yjsOn(1)).toBeGreaterThan(0)

    await typeAt(ada.page, 'end', '[ada-1]')
    await expect.poll(() => editorText(bob.page)).toContain('[ada-1]')
    await typeAt(bob.page, 'end', '[bob-1]')
    await expect.poll(() => editorText(ada.page)).toContain('[bob-1]')

    // Both keep typing at the end while Ada's instance dies under her. Typing at one spot at once
    // interleaves: Bob's caret moves past Ada's "[ada-2]" when it arrives mid-word, and the rest of
    // his keys land after it ("[bo[ada-2]b-2]"). That loses nothing, so the check is not for whole
    // words: every character of both is there exactly once, each user's in the order typed.
    const typing = Promise.all([
      (async () => {
        await typeAt(ada.page, 'end', '[ada-2]')
        await cluster.realtime[0].kill('SIGKILL')
        await typeAt(ada.page, 'end', '[ada-3-offline]')
      })(),
      typeAt(bob.page, 'end', '[bob-2]'),
    ])
    await typing
    await expect(ada.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open', {
      timeout: 30_000,
    })
    await typeAt(ada.page, 'end', '[ada-4]')
    await typeAt(bob.page, 'end', '[bob-3]')

    const writers = {
      Ada: ['[ada-1]', '[ada-2]', '[ada-3-offline]', '[ada-4]'],
      Bob: ['[bob-1]', '[bob-2]', '[bob-3]'],
    }
    for (const page of [ada.page, bob.page]) {
      await expect
        .poll(async () => interleavingProblems(await editorText(page), writers), {
          timeout: 30_000,
        })
        .toEqual([])
    }
    expect(await editorText(bob.page)).toBe(await editorText(ada.page))

    // And it is stored: a fresh load from the surviving instance has the same text, so every
    // character of both users, each once.
    const carol = await openUser(browser, 'Carol', cluster.proxyUrl)
    await openDoc(carol.page, doc)
    await expect.poll(() => editorText(carol.page)).toBe(await editorText(ada.page))
    expect(interleavingProblems(await editorText(carol.page), writers)).toEqual([])
    await Promise.all([ada, bob, carol].map((u) => u.context.close()))
  },
)

test('the editor works through the balanced nginx proxy and through Caddy over wss://', async ({
  cluster,
  browser,
}) => {
  const ada = await openUser(browser, 'Ada', cluster.proxyUrl)
  const bob = await openUser(browser, 'Bob', cluster.caddyUrl)
  const doc = freshName('smoke-doc')
  await openDoc(ada.page, doc)
  await openDoc(bob.page, doc)
  await typeAt(bob.page, 'end', 'typed over wss')
  await expect.poll(() => editorText(ada.page)).toBe('typed over wss')
  await Promise.all([ada, bob].map((u) => u.context.close()))
})

test(
  'a delete on one instance closes the editor on the other, and no flush brings the document back',
  { tag: DURABLE },
  async ({ cluster, browser }) => {
    const doc = freshName('cluster-delete')
    const ada = await openUser(browser, 'Ada', cluster.pinned[0])
    const bob = await openUser(browser, 'Bob', cluster.pinned[1])
    // Ada's first edit makes the document hers; Bob edits it too, from the other instance.
    await openDoc(ada.page, doc)
    await typeAt(ada.page, 'end', 'Ada owns this.')
    await openDoc(bob.page, doc)
    await expect.poll(() => editorText(bob.page)).toBe('Ada owns this.')
    await expect
      .poll(async () => ((await cluster.realtime[1].health()).connections as { yjs: number }).yjs)
      .toBeGreaterThan(0)
    await typeAt(bob.page, 'end', ' Bob typed this.')
    await expect.poll(() => editorText(ada.page)).toBe('Ada owns this. Bob typed this.')

    // Bob may not delete it, on his instance or hers.
    for (const base of cluster.pinned) {
      const refused = await bob.context.request.delete(`${base}/api/docs/${doc}`)
      expect(refused.status(), `${base}: ${await refused.text()}`).toBe(403)
    }

    // Ada deletes it from her list, on instance 0; Bob's editor on instance 1 is closed and told.
    const adasList = await ada.context.newPage()
    await adasList.goto('/editor')
    const row = adasList.locator(`[data-testid="doc-row"][data-name="${doc}"]`)
    await row.getByRole('button', { name: `Delete ${doc}` }).click()
    await row.getByRole('button', { name: `Yes, delete ${doc}` }).click()
    await expect(bob.page.getByTestId('doc-gone')).toContainText('deleted this document')
    await expect(ada.page.getByTestId('doc-gone')).toContainText('deleted this document')
    await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'closed')

    // Every page leaves, so every copy of it leaves memory, each flushed by its instance.
    await Promise.all([ada, bob].map((user) => user.context.close()))
    const inMemory = async (i: 0 | 1) => {
      const metrics = await fetch(`${cluster.realtime[i].url}/metrics`).then((r) => r.text())
      return Number(/^duplex_realtime_yjs_docs_in_memory (\d+)/m.exec(metrics)?.[1] ?? NaN)
    }
    await expect.poll(() => inMemory(0)).toBe(0)
    await expect.poll(() => inMemory(1)).toBe(0)

    // Still deleted, on both instances, and a fresh load finds nothing of it.
    const carol = await openUser(browser, 'Carol', cluster.proxyUrl)
    for (const base of cluster.pinned) {
      const list = await carol.context.request.get(`${base}/api/docs?limit=100`)
      expect(list.status()).toBe(200)
      const names = ((await list.json()) as { docs: { name: string }[] }).docs.map((d) => d.name)
      expect(names, base).not.toContain(doc)
    }
    // Its address says who deleted it instead of opening anew; making it again is deliberate, and
    // what comes back is empty.
    await carol.page.goto(`/editor/${doc}`)
    const deleted = carol.page.getByTestId('doc-deleted')
    await expect(deleted).toContainText(`Ada deleted ${doc}`)
    await deleted.getByRole('button', { name: `Create a new, empty document named ${doc}` }).click()
    await expect(carol.page.getByTestId('connection-status')).toContainText('synced')
    expect(await editorText(carol.page)).toBe('')
    await carol.context.close()
  },
)
