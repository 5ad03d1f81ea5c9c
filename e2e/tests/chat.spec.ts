import { freshName } from '@duplex/testing/names'
import type { Page } from '@playwright/test'
import { connectChat, openChatRoom } from '../fixtures/chat-client.ts'
import { startNetworkSwitch } from '../fixtures/network-switch.ts'
import { E2E } from '../fixtures/ports.ts'
import { DURABLE } from '../fixtures/projects.ts'
import { expect, test } from '../fixtures/realtime.ts'
import { connected, createSession } from '../fixtures/socket-client.ts'
import { expectNoSeriousA11yViolations, openUser } from '../fixtures/users.ts'

// Two browsers, a realtime server that restarts, on a two-core machine shared with other suites.
test.describe.configure({ timeout: 120_000 })

function composer(page: Page) {
  return page.getByRole('textbox', { name: /^Message #/ })
}

async function send(page: Page, text: string) {
  await composer(page).fill(text)
  await composer(page).press('Enter')
}

/** The message list only (the wire panel shows the same text inside raw frames). */
function messages(page: Page) {
  return page.getByRole('log', { name: 'Messages, oldest first' }).getByTestId('message')
}

function message(page: Page, text: string) {
  return messages(page).filter({
    has: page.getByTestId('message-text').getByText(text, { exact: true }),
  })
}

async function openRoom(page: Page, room: string) {
  await openChatRoom(page, room)
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  // The join ack has arrived once the list (or its empty state) replaces the skeleton.
  await expect(
    page
      .getByRole('region', { name: 'Message history' })
      .getByText(/No messages yet|Beginning of the room/),
  ).toBeVisible()
}

test('a message shows up for both users, with the server id and time', async ({ browser }) => {
  const room = freshName('hello')
  const ada = await openUser(browser, 'Ada')
  const bob = await openUser(browser, 'Bob 李')
  await openRoom(ada.page, room)
  await openRoom(bob.page, room)

  const text = 'Hello from Ada — 你好 👋 ǅ'
  await send(ada.page, text)

  const mine = message(ada.page, text)
  await expect(mine).toHaveAttribute('data-status', 'sent')
  await expect(mine.getByTestId('message-author')).toHaveText('You')
  await expect(mine).toContainText(/#\d+/)
  const theirs = message(bob.page, text)
  await expect(theirs).toBeVisible()
  await expect(theirs.getByTestId('message-author')).toHaveText('Ada')
  // Same stored message on both sides: same server id.
  expect(await theirs.getAttribute('data-id')).toBe(await mine.getAttribute('data-id'))

  // The wire panel shows the event as Socket.IO writes it.
  await expect(
    bob.page.getByTestId('wire-log').locator('li[data-kind="room-message"]').first(),
  ).toContainText('42["room-message",')
  await ada.context.close()
  await bob.context.close()
})

test('typing shows for the other user and clears on send, and on its own when the tab closes', async ({
  browser,
}) => {
  const room = freshName('typing')
  const ada = await openUser(browser, 'Ada')
  const bob = await openUser(browser, 'Bob')
  await openRoom(ada.page, room)
  await openRoom(bob.page, room)
  const indicator = ada.page.getByTestId('typing-indicator')

  await composer(bob.page).pressSequentially('hel')
  await expect(indicator).toHaveText('Bob is typing…')
  await composer(bob.page).press('Enter')
  await expect(indicator).toHaveText('')
  await expect(message(ada.page, 'hel')).toBeVisible()

  // A tab that closes mid-word never says `typing: false`; the indicator expires by itself.
  await composer(bob.page).pressSequentially('again')
  await expect(indicator).toHaveText('Bob is typing…')
  await bob.page.close()
  await expect(indicator).toHaveText('', { timeout: 8000 })
  await ada.context.close()
  await bob.context.close()
})

test('a read receipt tells the sender who has seen the message', async ({ browser }) => {
  const room = freshName('receipts')
  const ada = await openUser(browser, 'Ada')
  await openRoom(ada.page, room)
  await send(ada.page, 'Did you read this?')
  const mine = message(ada.page, 'Did you read this?')
  await expect(mine).toHaveAttribute('data-status', 'sent')
  await expect(mine.getByTestId('seen-by')).toHaveCount(0)

  const bob = await openUser(browser, 'Bob')
  await openRoom(bob.page, room)
  await expect(message(bob.page, 'Did you read this?')).toBeVisible()
  await send(bob.page, 'Yes!')
  await send(ada.page, 'Great')
  await expect(message(ada.page, 'Great').getByTestId('seen-by')).toHaveText('Seen by Bob')
  await ada.context.close()
  await bob.context.close()
})

test('presence follows people who leave the room or close the tab', async ({ browser }) => {
  const room = freshName('presence')
  const ada = await openUser(browser, 'Ada')
  const bob = await openUser(browser, 'Bob')
  await openRoom(ada.page, room)
  await openRoom(bob.page, room)
  const present = ada.page.getByRole('list', { name: 'Members online' })
  await expect(present.getByRole('listitem')).toHaveText([/Ada/, /Bob/])

  await bob.page.getByRole('link', { name: '← All rooms' }).click()
  await expect(present.getByRole('listitem')).toHaveText([/Ada/])

  await openRoom(bob.page, room)
  await expect(present.getByRole('listitem')).toHaveText([/Ada/, /Bob/])
  await bob.page.close()
  await expect(present.getByRole('listitem')).toHaveText([/Ada/])
  await ada.context.close()
  await bob.context.close()
})

test(
  'history survives a reload and a crash of the realtime server',
  { tag: DURABLE },
  async ({ browser, realtime }) => {
    const room = freshName('history')
    const ada = await openUser(browser, 'Ada')
    await openRoom(ada.page, room)
    await send(ada.page, 'first')
    await send(ada.page, 'second')
    // "sent" means the server acked after storing it.
    await expect(message(ada.page, 'second')).toHaveAttribute('data-status', 'sent')

    await ada.page.reload()
    await expect(messages(ada.page).getByTestId('message-text')).toHaveText(['first', 'second'])

    await realtime.restart({ signal: 'SIGKILL' })
    await expect(ada.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
    await expect(ada.page.getByTestId('recovery')).toHaveText(/rejoined/)
    await send(ada.page, 'third')
    await expect(message(ada.page, 'third')).toHaveAttribute('data-status', 'sent')

    await ada.page.reload()
    await expect(messages(ada.page).getByTestId('message-text')).toHaveText([
      'first',
      'second',
      'third',
    ])
    await ada.context.close()
  },
)

test('older messages load when scrolling up', async ({ browser }) => {
  const room = freshName('scroll')
  // 60 messages, more than the 50 a join returns. Six writers, because one may send 10 per 10 s.
  for (let writer = 1; writer <= 6; writer++) {
    const session = await createSession(`Writer ${writer}`)
    const socket = connectChat(session.token)
    await connected(socket)
    const joined = await socket.emitWithAck('join-room', { roomId: room })
    expect(joined.ok).toBe(true)
    for (let i = 1; i <= 10; i++) {
      const n = (writer - 1) * 10 + i
      const ack = await socket.emitWithAck('send-message', {
        roomId: room,
        text: `old ${n}`,
        clientId: `seed-${n}`,
      })
      expect(ack.ok).toBe(true)
    }
    socket.disconnect()
  }

  const ada = await openUser(browser, 'Ada')
  await ada.page.goto(`/chat/${room}`)
  const texts = messages(ada.page).getByTestId('message-text')
  await expect(texts).toHaveCount(50)
  await expect(texts.last()).toHaveText('old 60')
  await expect(texts.last()).toBeInViewport()
  await expect(texts.first()).toHaveText('old 11')

  await ada.page
    .getByRole('region', { name: 'Message history' })
    .evaluate((el) => el.scrollTo({ top: 0 }))
  await expect(texts).toHaveCount(60)
  await expect(texts.first()).toHaveText('old 1')
  await expect(ada.page.getByText('Beginning of the room')).toBeVisible()
  // Loading older messages kept the reader in place: "old 11" did not jump out of view.
  await expect(messages(ada.page).filter({ hasText: 'old 11' })).toBeInViewport()
  await ada.context.close()
})

test(
  'a reconnect that Socket.IO recovers replays what was missed',
  { tag: DURABLE },
  async ({ browser }) => {
    const room = freshName('recover')
    const net = await startNetworkSwitch()
    try {
      const ada = await openUser(browser, 'Ada', net.webUrl)
      const bob = await openUser(browser, 'Bob')
      await openRoom(ada.page, room)
      await openRoom(bob.page, room)

      net.setOnline(false)
      await ada.context.setOffline(true)
      await expect(ada.page.getByTestId('connection-status')).toHaveAttribute(
        'data-status',
        'reconnecting',
      )
      await send(bob.page, 'while you were away')
      await send(ada.page, 'typed offline')
      await expect(message(ada.page, 'typed offline')).toHaveAttribute('data-status', 'queued')
      await expect(message(ada.page, 'typed offline')).toContainText('Waiting for connection…')

      await ada.context.setOffline(false)
      net.setOnline(true)
      await expect(ada.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
      await expect(ada.page.getByTestId('recovery')).toHaveText(/recovered/)
      await expect(message(ada.page, 'while you were away')).toBeVisible()
      await expect(message(ada.page, 'typed offline')).toHaveAttribute('data-status', 'sent')
      await expect(message(bob.page, 'typed offline')).toBeVisible()
      await ada.context.close()
      await bob.context.close()
    } finally {
      await net.close()
    }
  },
)

test(
  'after a server restart the page rejoins and fetches what it missed',
  { tag: DURABLE },
  async ({ browser, realtime }) => {
    const room = freshName('rejoin')
    const net = await startNetworkSwitch()
    try {
      const ada = await openUser(browser, 'Ada', net.webUrl)
      const bob = await openUser(browser, 'Bob')
      await openRoom(ada.page, room)
      await openRoom(bob.page, room)
      await send(bob.page, 'before')
      await expect(message(ada.page, 'before')).toBeVisible()

      // Ada drops off; the server restarts (its recovery state is gone); Bob talks on.
      net.setOnline(false)
      await ada.context.setOffline(true)
      await realtime.restart()
      await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
      await expect(bob.page.getByRole('list', { name: 'Members online' })).toContainText('Bob')
      await send(bob.page, 'missed one')
      await send(bob.page, 'missed two')
      await expect(message(bob.page, 'missed two')).toHaveAttribute('data-status', 'sent')

      await ada.context.setOffline(false)
      net.setOnline(true)
      await expect(ada.page.getByTestId('recovery')).toHaveText(/rejoined/)
      await expect(messages(ada.page).getByTestId('message-text')).toHaveText([
        'before',
        'missed one',
        'missed two',
      ])
      await ada.context.close()
      await bob.context.close()
    } finally {
      await net.close()
    }
  },
)

test('sending too fast shows the rate limit, and retry resends the same message', async ({
  browser,
}) => {
  const room = freshName('flood')
  const ada = await openUser(browser, 'Ada')
  const bob = await openUser(browser, 'Bob')
  await openRoom(ada.page, room)
  await openRoom(bob.page, room)

  // As fast as a determined user: messages typed and sent within one task each, far quicker than
  // one Playwright action per keystroke, until the server refuses one. Animation frames are not
  // awaited: a busy machine throttles them, and 12 sends could then spread over the whole window.
  await composer(ada.page).evaluate(async (box) => {
    const textarea = box as HTMLTextAreaElement
    const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set
    const refused = () => document.querySelector('[data-testid="chat-notice"]') !== null
    for (let i = 1; i <= 40 && !refused(); i++) {
      setValue?.call(textarea, `flood ${i}`)
      textarea.dispatchEvent(new Event('input', { bubbles: true }))
      await new Promise((resolve) => setTimeout(resolve, 0))
      textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
  })
  const notice = ada.page.getByTestId('chat-notice')
  await expect(notice).toContainText('Slow down, you are sending messages too fast')
  // The wait counts down to the moment the server said a retry may succeed.
  const countdown = notice.getByTestId('retry-countdown')
  await expect(countdown).toContainText(/Retry in \d+ s|You can retry now/)
  const first = Number(await countdown.getAttribute('data-seconds'))
  if (first > 1) await expect(countdown).not.toHaveAttribute('data-seconds', String(first))
  const failed = ada.page.locator('[data-testid="message"][data-status="failed"]')
  await expect(failed).not.toHaveCount(0)
  const retried = failed.first()
  const clientId = await retried.getAttribute('data-client-id')
  const text = await retried.getByTestId('message-text').textContent()
  await expect(retried).toContainText('Not sent: Slow down, you are sending messages too fast')

  // The window is 10 s; keep retrying until the server takes it.
  const same = ada.page.locator(`[data-testid="message"][data-client-id="${clientId}"]`)
  await expect(async () => {
    if ((await same.getAttribute('data-status')) === 'failed') {
      await same.getByRole('button', { name: 'Retry' }).click()
    }
    await expect(same).toHaveAttribute('data-status', 'sent', { timeout: 1000 })
  }).toPass({ timeout: 20_000, intervals: [1000] })
  // Stored once, delivered once, under the same clientId.
  await expect(message(bob.page, text ?? '')).toHaveCount(1)
  await ada.context.close()
  await bob.context.close()
})

test('markup in a message is shown as text, never run', async ({ browser }) => {
  const room = freshName('xss')
  const ada = await openUser(browser, 'Ada')
  const bob = await openUser(browser, 'Bob')
  await openRoom(ada.page, room)
  await openRoom(bob.page, room)
  const evil = '<img src=x onerror="window.__pwned=1"><b>bold?</b>'
  await send(ada.page, evil)
  const shown = message(bob.page, evil)
  await expect(shown.getByTestId('message-text')).toHaveText(evil)
  await expect(shown.locator('img, b')).toHaveCount(0)
  expect(await bob.page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined()
  await ada.context.close()
  await bob.context.close()
})

test('rooms can be created from the lobby', async ({ browser }) => {
  const ada = await openUser(browser, 'Ada')
  await ada.page.goto('/chat')
  await expect(ada.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  const room = freshName('new')
  await ada.page.getByLabel('New room name').fill(room)
  await ada.page.getByRole('button', { name: 'Create room' }).click()
  await expect(ada.page).toHaveURL(new RegExp(`/chat/${room}$`))
  await expect(ada.page.getByRole('heading', { level: 1 })).toHaveText(`#${room}`)
  await ada.page.getByRole('link', { name: '← All rooms' }).click()
  await expect(
    ada.page.getByRole('list', { name: 'Rooms' }).getByRole('link', { name: new RegExp(room) }),
  ).toBeVisible()
  await ada.context.close()
})

for (const scheme of ['light', 'dark'] as const) {
  test(`chat pages have no serious accessibility violations (${scheme})`, async ({ browser }) => {
    const ada = await openUser(browser, 'Ada')
    await ada.page.emulateMedia({ colorScheme: scheme })
    await ada.page.goto('/chat')
    await expect(ada.page.getByRole('list', { name: 'Rooms' })).toBeVisible()
    await expectNoSeriousA11yViolations(ada.page)

    const room = freshName('a11y')
    await openRoom(ada.page, room)
    await send(ada.page, 'Accessible?')
    await expect(message(ada.page, 'Accessible?')).toHaveAttribute('data-status', 'sent')
    await expectNoSeriousA11yViolations(ada.page)

    const guest = await browser.newContext({ baseURL: E2E.webUrl })
    const page = await guest.newPage()
    await page.emulateMedia({ colorScheme: scheme })
    await page.goto('/chat')
    await expect(page.getByLabel('Display name')).toBeVisible()
    await expectNoSeriousA11yViolations(page)
    await guest.close()
    await ada.context.close()
  })
}
