import { freshName } from '@duplex/testing/names'
import type { Page } from '@playwright/test'
import { expect, test, type Cluster } from './fixtures/cluster.ts'
import { editorText, openDoc, typeAt } from '../fixtures/editor.ts'
import { interleavingProblems } from '../fixtures/interleaving.ts'
import { DURABLE } from '../fixtures/projects.ts'
import { openUser } from './fixtures/users.ts'

// Chat and the editor with user A on realtime instance 0 and user B on instance 1 (each through
// its own pinned proxy, the other instance as backup), then instance 0 killed mid-conversation.

test.describe.configure({ timeout: 150_000 })

// ------------------------------------------------------------------------------------- chat

function composer(page: Page) {
  return page.getByRole('textbox', { name: /^Message #/ })
}

function messages(page: Page) {
  return page.getByRole('log', { name: 'Messages, oldest first' }).getByTestId('message')
}

async function texts(page: Page): Promise<string[]> {
  return messages(page).getByTestId('message-text').allTextContents()
}

async function openRoom(page: Page, room: string) {
  await page.goto(`/chat/${room}`)
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  await expect(
    page
      .getByRole('region', { name: 'Message history' })
      .getByText(/No messages yet|Beginning of the room|#\d+/)
      .first(),
  ).toBeVisible()
}

async function send(page: Page, text: string) {
  await composer(page).fill(text)
  await composer(page).press('Enter')
}

async function socketsOn(cluster: Cluster, i: 0 | 1): Promise<number> {
  const health = await cluster.realtime[i].health()
  return (health.connections as { socketio: number }).socketio
}

test(
  'chat across instances survives the death of one: every acknowledged message once',
  { tag: DURABLE },
  async ({ cluster, browser }) => {
    const room = freshName('cluster')
    const ada = await openUser(browser, 'Ada', cluster.pinned[0])
    const bob = await openUser(browser, 'Bob', cluster.pinned[1])
    await openRoom(ada.page, room)
    await openRoom(bob.page, room)
    // Really on two instances: the message below crosses Redis, not one process.
    expect(await socketsOn(cluster, 0)).toBeGreaterThan(0)
    expect(await socketsOn(cluster, 1)).toBeGreaterThan(0)

    await send(ada.page, 'a1 from instance 0')
    await expect(messages(bob.page).filter({ hasText: 'a1 from instance 0' })).toHaveCount(1)
    await send(bob.page, 'b1 from instance 1')
    await expect(messages(ada.page).filter({ hasText: 'b1 from instance 1' })).toHaveCount(1)

    // Mid-conversation, Ada's instance dies. She keeps typing; the client resends on reconnect
    // (through her proxy's backup, instance 1) and the server dedupes by client id.
    await send(ada.page, 'a2 just before the crash')
    await cluster.realtime[0].kill('SIGKILL')
    await send(ada.page, 'a3 during the outage')
    await send(bob.page, 'b2 during the outage')
    await expect(ada.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open', {
      timeout: 30_000,
    })
    await send(ada.page, 'a4 after the failover')
    await send(bob.page, 'b3 after the failover')

    const all = [
      'a1 from instance 0',
      'b1 from instance 1',
      'a2 just before the crash',
      'a3 during the outage',
      'b2 during the outage',
      'a4 after the failover',
      'b3 after the failover',
    ]
    // A message in flight when the instance died times out on the page ("Not sent", Retry): the
    // user retries it, with the same client id, so it is stored once even if the dead instance
    // had stored it before the crash. In the end every one of Ada's messages is acknowledged.
    for (const text of all.filter((t) => t.startsWith('a'))) {
      const item = messages(ada.page).filter({ hasText: text }).first()
      await expect(item, `"${text}" settled`).toHaveAttribute('data-status', /^(sent|failed)$/, {
        timeout: 30_000,
      })
      if ((await item.getAttribute('data-status')) === 'failed') {
        await item.getByRole('button', { name: 'Retry' }).click()
      }
      await expect(item, `"${text}" acknowledged`).toHaveAttribute('data-status', 'sent', {
        timeout: 30_000,
      })
    }
    // What was sent once both were connected again reaches the other user live, across instances.
    // (A message stored by the dying instance in its last moment may reach Bob only through the
    // history below: its broadcast died with the instance.)
    const afterFailover = ['a4 after the failover', 'b3 after the failover']
    for (const page of [ada.page, bob.page]) {
      for (const text of afterFailover) {
        await expect(messages(page).filter({ hasText: text })).toHaveCount(1)
      }
    }
    // The stored history (a fresh load) has every message exactly once.
    for (const page of [ada.page, bob.page]) {
      await openRoom(page, room)
      await expect
        .poll(async () => (await texts(page)).filter((t) => all.includes(t)).length)
        .toBe(all.length)
      const history = await texts(page)
      for (const text of all)
        expect(
          history.filter((t) => t === text),
          text,
        ).toHaveLength(1)
    }
    await ada.context.close()
    await bob.context.close()
  },
)

// ----------------------------------------------------------------------------------- editor

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
    expect(await yjsOn(0)).toBeGreaterThan(0)
    expect(await yjsOn(1)).toBeGreaterThan(0)

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

test('chat and the editor work through the balanced nginx proxy and through Caddy over wss://', async ({
  cluster,
  browser,
}) => {
  const room = freshName('smoke')
  const ada = await openUser(browser, 'Ada', cluster.proxyUrl)
  const bob = await openUser(browser, 'Bob', cluster.caddyUrl)
  await openRoom(ada.page, room)
  await openRoom(bob.page, room)
  await send(bob.page, 'from Caddy, over wss')
  await expect(messages(ada.page).filter({ hasText: 'from Caddy, over wss' })).toHaveCount(1)
  await send(ada.page, 'from nginx, over ws')
  await expect(messages(bob.page).filter({ hasText: 'from nginx, over ws' })).toHaveCount(1)

  const doc = freshName('smoke-doc')
  await openDoc(ada.page, doc)
  await openDoc(bob.page, doc)
  await typeAt(bob.page, 'end', 'typed over wss')
  await expect.poll(() => editorText(ada.page)).toBe('typed over wss')
  await Promise.all([ada, bob].map((u) => u.context.close()))
})

test(
  'SIGTERM on a realtime instance: its users reconnect to the other, and it exits in bounded time',
  { tag: DURABLE },
  async ({ cluster, browser }) => {
    const room = freshName('deploy')
    const ada = await openUser(browser, 'Ada', cluster.pinned[0])
    const bob = await openUser(browser, 'Bob', cluster.pinned[1])
    const failures: string[] = []
    ada.page.on('response', (r) => {
      if (r.status() >= 500) failures.push(`${r.status()} ${r.url()}`)
    })
    await openRoom(ada.page, room)
    await openRoom(bob.page, room)
    expect(await socketsOn(cluster, 0)).toBeGreaterThan(0)

    const startedAt = Date.now()
    const exit = await cluster.realtime[0].kill('SIGTERM', 20_000)
    expect(exit.signal, 'exited by itself, not killed after the timeout').toBeNull()
    expect(Date.now() - startedAt).toBeLessThan(12_000)

    await expect(ada.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open', {
      timeout: 30_000,
    })
    await send(ada.page, 'after the deploy')
    await expect(messages(bob.page).filter({ hasText: 'after the deploy' })).toHaveCount(1)
    await expect(
      messages(ada.page).filter({ hasText: 'after the deploy' }).first(),
    ).toHaveAttribute('data-status', 'sent')
    expect(failures).toEqual([])
    await Promise.all([ada, bob].map((u) => u.context.close()))
  },
)
