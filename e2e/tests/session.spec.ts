import { freshName } from '@duplex/testing/names'
import { createTestSession, dataDirSecret } from '@duplex/testing/session'
import type { Page } from '@playwright/test'
import { yjsHandshake } from '../fixtures/editor.ts' // demo:editor
import { E2E } from '../fixtures/ports.ts'
import { expect, test } from '../fixtures/realtime.ts'
import { connectSocket, connected, createSession } from '../fixtures/socket-client.ts'
import { openUser, type TestUser } from '../fixtures/users.ts'

test.describe.configure({ timeout: 120_000 })

/**
 * A page of each demo that asks for a name, then connects to the realtime server with the session,
 * by the name of a room or document. One a line, so each goes with its demo: the session behaves
 * the same on all of them.
 */
const SESSION_PAGES: ((name: string) => string)[] = [
  (name) => `/chat/${name}`, // demo:chat
  (name) => `/editor/${name}`, // demo:editor
]

/** The session page at `at` (negative counts from the end); skips the test once no demo has one. */
function sessionPage(at: number): (name: string) => string {
  const page = SESSION_PAGES.at(at)
  test.skip(page === undefined, 'no demo left asks for a name')
  return page ?? (() => '/')
}

/** Opens every session page, the first in `user.page`, each in a fresh room named after `prefix`. */
async function openSessionPages(user: TestUser, prefix: string): Promise<Page[]> {
  sessionPage(0)
  const pages: Page[] = []
  for (const url of SESSION_PAGES) {
    const page = pages.length === 0 ? user.page : await user.context.newPage()
    await page.goto(url(freshName(prefix)))
    pages.push(page)
  }
  return pages
}

test('signing in with a name sets an httpOnly session cookie, and signing out clears it', async ({
  browser,
}) => {
  const room = sessionPage(0)
  const context = await browser.newContext({ baseURL: E2E.webUrl })
  const page = await context.newPage()
  await page.goto(room(freshName('sign-in')))
  await page.getByLabel('Display name').fill('  Grace Hopper  ')
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByTestId('user-menu')).toContainText('Grace Hopper')
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')

  const [cookie] = (await context.cookies()).filter((c) => c.name === 'duplex_session')
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' })
  // Max-Age is the token's lifetime: seven days.
  expect((cookie?.expires ?? 0) * 1000 - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000)
  expect(await page.evaluate(() => document.cookie)).not.toContain('duplex_session')

  const me = await context.request.get('/api/session')
  expect(me.status()).toBe(200)
  expect(await me.json()).toMatchObject({ user: { name: 'Grace Hopper' } })

  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByLabel('Display name')).toBeVisible()
  const after = await context.request.get('/api/session')
  expect(after.status()).toBe(401)
  expect(await after.json()).toMatchObject({ error: { code: 'unauthorized' } })
  await context.close()
})

test('a bad name is refused with a 400 that names the problem', async ({ request, browser }) => {
  for (const name of ['', '   ', 'x'.repeat(41), 'tab\there', 'bell\u0007']) {
    const response = await request.post(`${E2E.webUrl}/api/session`, { data: { name } })
    expect(response.status(), JSON.stringify(name)).toBe(400)
    const body = (await response.json()) as {
      error: { code: string; message: string; issues: unknown[] }
    }
    expect(body.error.code).toBe('invalid')
    expect(body.error.message).toMatch(/name/)
    expect(body.error.issues.length).toBeGreaterThan(0)
  }
  const notJson = await request.post(`${E2E.webUrl}/api/session`, {
    headers: { 'Content-Type': 'application/json' },
    data: '{"name":',
  })
  expect(notJson.status()).toBe(400)
  // Forty emoji are forty characters, not eighty UTF-16 units.
  const emoji = await request.post(`${E2E.webUrl}/api/session`, { data: { name: '🦊'.repeat(40) } })
  expect(emoji.status()).toBe(200)

  // The form says so too, on any page that asks for a name.
  const room = sessionPage(-1)
  const context = await browser.newContext({ baseURL: E2E.webUrl })
  const page = await context.newPage()
  await page.goto(room(freshName('bad-name')))
  await page.getByLabel('Display name').fill('x'.repeat(41))
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByText('Name must be at most 40 characters.')).toBeVisible()
  await context.close()
})

test('the realtime server refuses connections without a valid session', async () => {
  const session = await createSession('Script')

  const anonymous = connectSocket(undefined)
  await expect(connected(anonymous)).rejects.toThrow(/^unauthorized/)
  anonymous.close()
  const forged = connectSocket(`${session.token.slice(0, -4)}AAAA`)
  await expect(connected(forged)).rejects.toThrow(/^unauthorized/)
  forged.close()
  const good = connectSocket(session.token)
  await connected(good)
  expect(good.connected).toBe(true)
  good.close()

  // demo:editor:start
  const doc = freshName('guarded')
  const port = E2E.realtimePort
  expect(await yjsHandshake(port, doc)).toEqual({ opened: false, status: 401 })
  expect(await yjsHandshake(port, doc, { token: 'not-a-token' })).toEqual({
    opened: false,
    status: 401,
  })
  expect(await yjsHandshake(port, doc, { token: session.token })).toEqual({ opened: true })
  expect(await yjsHandshake(port, doc, { cookie: `duplex_session=${session.token}` })).toEqual({
    opened: true,
  })
  // demo:editor:end
})

test('the page says why when the realtime server refuses the session', async ({
  browser,
  realtime,
}) => {
  const ada = await openUser(browser, 'Ada')
  const pages = await openSessionPages(ada, 'refused')
  for (const page of pages) {
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  }

  // Signed out elsewhere (the cookie is gone), then the connections drop: reconnecting must fail.
  await ada.context.clearCookies()
  await realtime.restart()

  for (const page of pages) {
    const refused = page.getByTestId('connection-refused')
    await expect(refused).toContainText('The realtime server refused the connection.')
    await expect(refused).toContainText('unauthorized: no session token')
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'closed')
  }

  // Checking the session brings the sign-in form back, with the reason.
  await ada.page.getByRole('button', { name: 'Check session and retry' }).click()
  await expect(ada.page.getByLabel('Display name')).toBeVisible()
  await expect(ada.page.getByText(/Not signed in: no session token/)).toBeVisible()
  await ada.page.getByLabel('Display name').fill('Ada again')
  await ada.page.getByRole('button', { name: 'Continue' }).click()
  await expect(ada.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  await ada.context.close()
})

test('a session that expires while connected ends every connection, and the page says so', async ({
  browser,
}) => {
  // Real time must pass for a real expiry: long enough to connect on a loaded machine.
  test.slow()
  const ada = await openUser(browser, 'Brief')
  // Warm up with the normal session, so the timed part below is only the reconnect.
  const pages = await openSessionPages(ada, 'expiry')
  await expect(ada.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')

  // The web app never issues short sessions, so this one is signed here, with the suite's secret.
  const { token } = await createTestSession(
    { id: freshName('brief'), name: 'Brief' },
    { secret: await dataDirSecret(E2E.dataDir), ttlSeconds: 60 },
  )
  await ada.context.addCookies([
    { name: 'duplex_session', value: token, url: E2E.webUrl, httpOnly: true, sameSite: 'Lax' },
  ])
  for (const page of pages) await page.reload()
  // All are let in while the token is valid…
  const opened = { timeout: 50_000 }
  for (const page of pages) {
    await expect(page.getByTestId('connection-status')).toHaveAttribute(
      'data-status',
      'open',
      opened,
    )
  }
  // …and cut off, with the reason, once it expires (the servers time it, not the page).
  for (const page of pages) {
    const ended = page.getByTestId('session-ended')
    await expect(ended).toHaveAttribute('data-reason', 'session_expired', { timeout: 90_000 })
    await expect(ended).toContainText('Your session expired')
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'closed')
  }
  await ada.context.close()
})

test('signing out in one tab closes the chat and the editor in another within 2 s, saying why', async ({
  browser,
}) => {
  const ada = await openUser(browser, 'Ada')
  const pages = await openSessionPages(ada, 'signout')
  for (const page of pages) {
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  }
  // Another user's connection on the same server is not touched by Ada's sign-out.
  const bob = await openUser(browser, 'Bob')
  await bob.page.goto(sessionPage(0)(freshName('signout-bob')))
  await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')

  // A third tab of Ada's signs out.
  const tab = await ada.context.newPage()
  await tab.goto(sessionPage(0)(freshName('signout-here')))
  const signedOut = tab.waitForResponse(
    (response) =>
      response.url().endsWith('/api/session') && response.request().method() === 'DELETE',
  )
  await tab.getByRole('button', { name: 'Sign out' }).click()
  expect((await signedOut).status()).toBe(204)
  await expect(tab.getByLabel('Display name')).toBeVisible()

  // Every other tab of hers is closed by the server within 2 s of the answer, and says why.
  await Promise.all(
    pages.map((page) =>
      expect(page.getByTestId('session-ended')).toHaveAttribute('data-reason', 'signed_out', {
        timeout: 2_000,
      }),
    ),
  )
  for (const page of pages) {
    await expect(page.getByTestId('session-ended')).toContainText('You signed out')
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'closed')
    // The page no longer names her as signed in, nor offers a sign-out that already happened.
    await expect(page.getByTestId('user-menu')).toHaveCount(0)
  }
  // No reconnect loop: a while later they are still closed, and still say why.
  await tab.waitForTimeout(3000)
  for (const page of pages) {
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'closed')
    await expect(page.getByTestId('session-ended')).toBeVisible()
  }
  await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')

  // "Sign in again" brings the name form back (the sign-out cleared the cookie of every tab).
  const first = pages[0] ?? tab
  await first.getByRole('button', { name: 'Sign in again' }).click()
  await expect(first.getByLabel('Display name')).toBeVisible()
  await Promise.all([ada.context.close(), bob.context.close()])
})
