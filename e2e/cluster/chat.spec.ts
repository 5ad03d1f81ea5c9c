import { freshName } from '@duplex/testing/names'
import type { Page } from '@playwright/test'
import { expect, test, type Cluster } from './fixtures/cluster.ts'
import { openChatRoom } from '../fixtures/chat-client.ts'
import { DURABLE } from '../fixtures/projects.ts'
import { openUser } from './fixtures/users.ts'

// Chat with user A on realtime instance 0 and user B on instance 1 (each through its own pinned
// proxy, the other instance as backup), then instance 0 killed mid-conversation.

test.describe.configure({ timeout: 150_000 })

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
  await openChatRoom(page, room)
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

test('chat works through the balanced nginx proxy and through Caddy over wss://', async ({
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
