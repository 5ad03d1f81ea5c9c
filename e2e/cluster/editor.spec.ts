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
