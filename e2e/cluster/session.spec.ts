import { freshName } from '@duplex/testing/names'
import type { Page } from '@playwright/test'
import { expect, test, type Cluster } from './fixtures/cluster.ts'
import { openUser } from './fixtures/users.ts'

// Signing out in a tab served by instance 0 ends the session's tabs on instance 1 too: the
// sign-out is stored in PostgreSQL by web-0 and broadcast through Redis, and realtime-1 closes
// the connections it holds for that session, saying why. The proxies are pinned per instance;
// the session cookie is the same for all of them (one host, cookies ignore ports).

test.describe.configure({ timeout: 120_000 })

/**
 * A page of each demo that holds a realtime connection, by the name of a room or document. One a
 * line, so each goes with its demo.
 */
const SESSION_PAGES: ((name: string) => string)[] = [
  (name) => `/chat/${name}`, // demo:chat
  (name) => `/editor/${name}`, // demo:editor
]

async function connectionsOn(cluster: Cluster, i: 0 | 1): Promise<number> {
  const { connections } = (await cluster.realtime[i].health()) as {
    connections: Record<string, number>
  }
  return Object.values(connections).reduce((sum, count) => sum + count, 0)
}

async function expectOpen(page: Page): Promise<void> {
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
}

test('signing out on one instance closes the chat and the editor on the other within 2 s, saying why', async ({
  cluster,
  browser,
}) => {
  test.skip(SESSION_PAGES.length === 0, 'no demo left holds a realtime connection')
  const ada = await openUser(browser, 'Ada', cluster.pinned[0])
  const before = await connectionsOn(cluster, 1)
  // Ada's chat and editor, served by instance 1.
  const elsewhere: Page[] = []
  for (const url of SESSION_PAGES) {
    const page = await ada.context.newPage()
    await page.goto(`${cluster.pinned[1]}${url(freshName('cluster-signout'))}`)
    await expectOpen(page)
    elsewhere.push(page)
  }
  await expect.poll(() => connectionsOn(cluster, 1)).toBeGreaterThan(before)
  // Bob, on instance 1 as well, is not signed out with her.
  const bob = await openUser(browser, 'Bob', cluster.pinned[1])
  await bob.page.goto(SESSION_PAGES[0]?.(freshName('cluster-bob')) ?? '/')
  await expectOpen(bob.page)

  // Ada signs out in a tab served by instance 0.
  await ada.page.goto(SESSION_PAGES[0]?.(freshName('cluster-here')) ?? '/')
  await expectOpen(ada.page)
  const signedOut = ada.page.waitForResponse(
    (response) =>
      response.url().endsWith('/api/session') && response.request().method() === 'DELETE',
  )
  await ada.page.getByRole('button', { name: 'Sign out' }).click()
  expect((await signedOut).status()).toBe(204)

  await Promise.all(
    elsewhere.map((page) =>
      expect(page.getByTestId('session-ended')).toHaveAttribute('data-reason', 'signed_out', {
        timeout: 2_000,
      }),
    ),
  )
  for (const page of elsewhere) {
    await expect(page.getByTestId('session-ended')).toContainText('You signed out')
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'closed')
  }
  // Closed for good, not reconnecting in a loop (to the other instance, say).
  await ada.page.waitForTimeout(3000)
  for (const page of elsewhere) {
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'closed')
  }
  await expectOpen(bob.page)
  await Promise.all([ada.context.close(), bob.context.close()])
})
