import { freshName } from '@duplex/testing/names'
import type { Page } from '@playwright/test'
import { openChatRoom } from '../fixtures/chat-client.ts'
import { expect, test } from '../fixtures/realtime.ts'
import { openUser } from '../fixtures/users.ts'

// What a newcomer hit in the chat (issue 13): layout, avatars, duplicate requests, a server that is gone.
test.describe.configure({ timeout: 120_000 })

function composer(page: Page) {
  return page.getByRole('textbox', { name: /^Message #/ })
}

function messages(page: Page) {
  return page.getByRole('log', { name: 'Messages, oldest first' }).getByTestId('message')
}

async function openRoom(page: Page, room: string) {
  await openChatRoom(page, room)
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  await expect(
    page
      .getByRole('region', { name: 'Message history' })
      .getByText(/No messages yet|Beginning of the room/),
  ).toBeVisible()
}

/** Whether the element's box lies inside the box of the scrolling message list. */
async function insideMessageList(page: Page, text: ReturnType<Page['locator']>) {
  const list = page.getByRole('region', { name: 'Message history' })
  const [outer, inner] = await Promise.all([list.boundingBox(), text.boundingBox()])
  if (!outer || !inner) return false
  return inner.x >= outer.x - 1 && inner.x + inner.width <= outer.x + outer.width + 1
}

test('a long unbroken message wraps inside both panels', async ({ browser }) => {
  const room = freshName('wrap')
  const ada = await openUser(browser, 'Ada')
  const bob = await openUser(browser, 'Bob')
  await openRoom(ada.page, room)
  await openRoom(bob.page, room)

  const long = 'x'.repeat(2000)
  await composer(ada.page).fill(long)
  await composer(ada.page).press('Enter')

  const mine = messages(ada.page).filter({ hasText: 'xxxxxxxxxx' }).getByTestId('message-text')
  const theirs = messages(bob.page).filter({ hasText: 'xxxxxxxxxx' }).getByTestId('message-text')
  await expect(mine).toBeVisible()
  await expect(theirs).toBeVisible()
  expect(await insideMessageList(ada.page, mine)).toBe(true)
  expect(await insideMessageList(bob.page, theirs)).toBe(true)
  // Nothing scrolls sideways: the text wrapped instead of running off.
  for (const page of [ada.page, bob.page]) {
    const overflow = await page
      .getByRole('region', { name: 'Message history' })
      .evaluate((el) => el.scrollWidth - el.clientWidth)
    expect(overflow).toBeLessThanOrEqual(0)
  }
  await ada.context.close()
  await bob.context.close()
})

test("a queued message shows the sender's initial, and a dead server is explained", async ({
  browser,
  realtime,
}) => {
  const room = freshName('down')
  const ada = await openUser(browser, 'Ada')
  await openRoom(ada.page, room)
  await expect(ada.page.getByTestId('latency')).toHaveText(/\d+ ms/)

  const bringBack = await realtime.takeDown()
  try {
    const status = ada.page.getByTestId('connection-status')
    await expect(status).toHaveAttribute('data-status', 'reconnecting')
    await expect(status).toContainText('the realtime server is not answering')
    await expect(status).not.toContainText(/xhr poll error|websocket error|transport close/)
    // No stale figures: the round trip and the presence list say the connection is gone.
    await expect(ada.page.getByTestId('latency')).toHaveText('—')
    await expect(ada.page.getByTestId('presence-count')).toHaveText('offline')
    await expect(ada.page.getByTestId('presence-list')).not.toContainText('you')
    await expect(ada.page.getByTestId('realtime-unreachable')).toContainText(
      'The realtime server is unreachable',
    )

    await composer(ada.page).fill('Are you there?')
    await composer(ada.page).press('Enter')
    const queued = messages(ada.page).filter({ hasText: 'Are you there?' })
    await expect(queued).toHaveAttribute('data-status', 'queued')
    await expect(queued.locator('[aria-hidden="true"]').first()).toHaveText('A')
  } finally {
    await bringBack()
  }
  await expect(ada.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  await expect(ada.page.getByTestId('realtime-unreachable')).toHaveCount(0)
  await expect(messages(ada.page).filter({ hasText: 'Are you there?' })).toHaveAttribute(
    'data-status',
    'sent',
  )
  await ada.context.close()
})

test('the lobby asks for the room list once when it opens', async ({ browser }) => {
  const ada = await openUser(browser, 'Ada')
  let listRequests = 0
  const count = (payload: string | Buffer | null) => {
    if (payload && String(payload).includes('"list-rooms"')) listRequests += 1
  }
  // Socket.IO starts on long-polling (POST bodies) and upgrades to a WebSocket.
  ada.page.on('request', (request) => count(request.postData()))
  ada.page.on('websocket', (ws) => ws.on('framesent', (frame) => count(frame.payload)))
  await ada.page.goto('/chat')
  await expect(ada.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  // The duplicate went out in the same burst on connect, before any answer: by the time the
  // first answer shows as the round trip, one request has been sent.
  await expect(ada.page.getByTestId('latency')).toHaveText(/\d+ ms/)
  expect(listRequests).toBe(1)
  await ada.context.close()
})

test('on a 390×844 phone the room, its composer and the active nav link fit on screen', async ({
  browser,
}) => {
  const room = freshName('phone')
  const ada = await openUser(browser, 'Ada')
  await ada.page.setViewportSize({ width: 390, height: 844 })
  await openRoom(ada.page, room)

  const box = await composer(ada.page).boundingBox()
  if (!box) throw new Error('the working area is not rendered')
  expect(box.y).toBeGreaterThan(0)
  expect(box.y + box.height).toBeLessThanOrEqual(844)
  expect(await ada.page.evaluate(() => window.scrollY)).toBe(0)
  // The "Why" box is folded into one line, the demo comes first.
  await expect(ada.page.getByTestId('why-collapsed')).toBeVisible()
  await expect(ada.page.getByTestId('why-collapsed')).not.toHaveAttribute('open')

  // Every destination is one tap away: the header's menu names the current page and lists all.
  const nav = ada.page.getByRole('navigation', { name: 'Main' })
  const menu = nav.getByRole('button', { name: /Menu/ })
  await expect(menu).toContainText('Chat')
  await menu.click()
  await expect(nav.getByRole('link', { name: /Chat/ })).toHaveAttribute('aria-current', 'page')
  await expect(nav.getByRole('link')).toHaveCount(6)
  for (const link of await nav.getByRole('link').all()) await expect(link).toBeInViewport()
  await ada.context.close()
})
