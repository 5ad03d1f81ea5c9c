import { freshName } from '@duplex/testing/names'
import type { Page } from '@playwright/test'
import { connectChat, openChatRoom } from '../fixtures/chat-client.ts'
import { startNetworkSwitch } from '../fixtures/network-switch.ts'
import { expect, test } from '../fixtures/realtime.ts'
import { connected, createSession } from '../fixtures/socket-client.ts'
import { expectNoSeriousA11yViolations, openUser } from '../fixtures/users.ts'

// Issue 19 on the chat pages: room names as typed, unknown rooms offered instead of created,
// per-room numbers, right-to-left text, the composer at 1440×900, honest statuses, focus.
test.describe.configure({ timeout: 120_000 })

function composer(page: Page) {
  return page.getByRole('textbox', { name: /^Message #/ })
}

async function send(page: Page, text: string) {
  await composer(page).fill(text)
  await composer(page).press('Enter')
}

function message(page: Page, text: string) {
  return page
    .getByRole('log', { name: 'Messages, oldest first' })
    .getByTestId('message')
    .filter({ has: page.getByTestId('message-text').getByText(text, { exact: true }) })
}

/** The rooms the server has, asked over a socket of its own. */
async function roomIds(): Promise<string[]> {
  const socket = connectChat((await createSession('Lister')).token)
  try {
    await connected(socket)
    const ack = await socket.emitWithAck('list-rooms', { limit: 200 })
    return ack.ok ? ack.rooms.map((room) => room.id) : []
  } finally {
    socket.disconnect()
  }
}

test('visiting an unknown room offers to create it, and only the button does', async ({
  browser,
}) => {
  const room = freshName('nosuch')
  const ada = await openUser(browser, 'Ada')
  await ada.page.goto(`/chat/${room}`)
  const prompt = ada.page.getByTestId('unknown-room')
  await expect(prompt).toContainText(`There is no room “${room}” yet`)
  expect(await roomIds()).not.toContain(room)
  await expectNoSeriousA11yViolations(ada.page)

  await prompt.getByRole('button', { name: `Create “${room}”` }).click()
  await expect(ada.page.getByText('No messages yet. Say hello!')).toBeVisible()
  expect(await roomIds()).toContain(room)
  // Opened by creating it: the keyboard is in the room, not back at the top of the page.
  await expect(composer(ada.page)).toBeFocused()

  // Numbers are the room's own: its first message is #1, whatever other rooms hold.
  await send(ada.page, 'first words')
  await expect(message(ada.page, 'first words').getByTestId('message-seq')).toHaveText('#1')
  await send(ada.page, 'second words')
  await expect(message(ada.page, 'second words').getByTestId('message-seq')).toHaveText('#2')
  await ada.context.close()
})

test('a room keeps the name typed, in any script, under a URL slug of its own', async ({
  browser,
}) => {
  const ada = await openUser(browser, 'Ada')
  await ada.page.goto('/chat')
  await expect(ada.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  const field = ada.page.getByLabel('New room name')

  // Too long is refused with the reason, never cut.
  await field.fill('x'.repeat(65))
  await ada.page.getByRole('button', { name: 'Create room' }).click()
  await expect(ada.page.getByTestId('room-name-error')).toContainText('at most 64')
  await expect(ada.page).toHaveURL(/\/chat$/)

  const name = `ÜBER café ${freshName('')} 设计评审 👩🏽‍💻`
  await field.fill(name)
  await ada.page.getByRole('button', { name: 'Create room' }).click()
  await expect(ada.page).toHaveURL(/\/chat\/uber-cafe-[a-z0-9-]+$/)
  await expect(ada.page.getByRole('heading', { level: 1 })).toHaveText(`#${name}`)
  await expect(ada.page.getByTestId('message-scroller')).toBeVisible()
  await expect(composer(ada.page)).toBeFocused()

  // "../etc" is a name like any other: kept as typed, with a safe slug.
  await ada.page.goto('/chat')
  await field.fill(`../etc ${freshName('')}`)
  await ada.page.getByRole('button', { name: 'Create room' }).click()
  await expect(ada.page).toHaveURL(/\/chat\/etc-[a-z0-9-]+$/)
  await expect(ada.page.getByRole('heading', { level: 1 })).toContainText('#../etc ')

  // From the list, by name; opening it puts the keyboard in the room.
  await ada.page.goto('/chat')
  await ada.page.getByRole('list', { name: 'Rooms' }).getByRole('link', { name }).click()
  await expect(ada.page).toHaveURL(/\/chat\/uber-cafe-[a-z0-9-]+$/)
  await expect(composer(ada.page)).toBeFocused()
  await ada.context.close()
})

test('an address with a room name that is no slug offers that name, then moves to its slug', async ({
  browser,
}) => {
  const ada = await openUser(browser, 'Ada')
  const name = `设计评审 ${freshName('')}`
  await ada.page.goto(`/chat/${encodeURIComponent(name)}`)
  const prompt = ada.page.getByTestId('unknown-room')
  await expect(prompt).toContainText(`There is no room “${name}” yet`)
  await prompt.getByRole('button', { name: `Create “${name}”` }).click()
  await expect(ada.page).toHaveURL(/\/chat\/[a-z0-9-]+$/)
  await expect(ada.page.getByRole('heading', { level: 1 })).toHaveText(`#${name}`)
  await expect(composer(ada.page)).toBeFocused()
  await ada.context.close()
})

test('Arabic and Hebrew messages are laid out right to left, names isolated', async ({
  browser,
}) => {
  const room = freshName('rtl')
  const ada = await openUser(browser, 'Ada')
  const bob = await openUser(browser, 'بوب')
  await openChatRoom(ada.page, room)
  await openChatRoom(bob.page, room)
  const arabic = 'مرحبا بالجميع! كيف حالكم اليوم؟ هذه رسالة طويلة بعض الشيء.'
  await send(bob.page, arabic)
  const shown = message(ada.page, arabic)
  const text = shown.getByTestId('message-text')
  await expect(text).toHaveAttribute('dir', 'auto')
  expect(await text.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl')
  await expect(shown.getByTestId('message-author')).toHaveJSProperty('tagName', 'BDI')
  const hebrew = 'שלום לכולם, מה שלומכם היום?'
  await send(bob.page, hebrew)
  const hebrewText = message(ada.page, hebrew).getByTestId('message-text')
  expect(await hebrewText.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl')
  await send(bob.page, 'Latin stays left to right')
  const latin = message(ada.page, 'Latin stays left to right').getByTestId('message-text')
  expect(await latin.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr')
  await ada.context.close()
  await bob.context.close()
})

test('at 1440×900 the composer and Send fit the window, and a too-long draft says why', async ({
  browser,
}) => {
  const ada = await openUser(browser, 'Ada')
  await ada.page.setViewportSize({ width: 1440, height: 900 })
  await openChatRoom(ada.page, freshName('fit'))
  const within = async (locator: ReturnType<Page['locator']>) => {
    const box = await locator.boundingBox()
    expect(box).not.toBeNull()
    if (!box) return
    expect(box.y).toBeGreaterThanOrEqual(0)
    expect(box.y + box.height).toBeLessThanOrEqual(900)
  }
  expect(await ada.page.evaluate(() => window.scrollY)).toBe(0)
  await within(ada.page.getByTestId('composer'))
  const sendButton = ada.page.getByRole('button', { name: 'Send' })
  await within(sendButton)

  await composer(ada.page).fill('a'.repeat(2010))
  await expect(sendButton).toBeDisabled()
  const counter = ada.page.getByTestId('composer-counter')
  await expect(counter).toHaveText('2010/2000')
  const reason = ada.page.getByTestId('composer-too-long')
  await expect(reason).toContainText('10 characters over the limit of 2000')
  expect(await ada.page.evaluate(() => window.scrollY)).toBe(0)
  await within(counter)
  await within(reason)
  await within(sendButton)
  await ada.context.close()
})

test('an ordinary send adds no "Outbox drained" line to the Break it log', async ({ browser }) => {
  const ada = await openUser(browser, 'Ada')
  await openChatRoom(ada.page, freshName('drain'))
  await send(ada.page, 'just a message')
  await expect(message(ada.page, 'just a message')).toHaveAttribute('data-status', 'sent')
  await send(ada.page, 'and another')
  await expect(message(ada.page, 'and another')).toHaveAttribute('data-status', 'sent')
  await expect(ada.page.getByTestId('fault-panel')).not.toContainText('Outbox drained')
  await ada.context.close()
})

test('with the browser offline the chat says the device is offline', async ({ browser }) => {
  const net = await startNetworkSwitch()
  try {
    const ada = await openUser(browser, 'Ada', net.webUrl)
    await openChatRoom(ada.page, freshName('offline'))
    net.setOnline(false)
    await ada.context.setOffline(true)
    await expect(ada.page.getByTestId('connection-status')).toHaveAttribute(
      'data-status',
      'reconnecting',
    )
    await expect(ada.page.getByTestId('chat-offline')).toContainText('This device is offline.')
    // Several failed attempts later it still blames the network, not the server.
    await ada.page.waitForTimeout(8000)
    await expect(ada.page.getByTestId('realtime-unreachable')).toHaveCount(0)
    await expect(ada.page.getByText('not answering')).toHaveCount(0)
    await ada.context.setOffline(false)
    net.setOnline(true)
    await expect(ada.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
    await expect(ada.page.getByTestId('chat-offline')).toHaveCount(0)
    await ada.context.close()
  } finally {
    await net.close()
  }
})
