import { freshName } from '@duplex/testing/names'
import type { Page } from '@playwright/test'
import { DURABLE } from '../fixtures/projects.ts'
import { openChatRoom } from '../fixtures/chat-client.ts'
import { expect, test } from '../fixtures/realtime.ts'
import { openUser } from '../fixtures/users.ts'

// "Break it" on the chat: each fault the panel offers, and the recovery the page reports.
test.describe.configure({ timeout: 90_000 })

async function openRoom(page: Page, room: string) {
  await openChatRoom(page, room)
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  await expect(
    page
      .getByRole('region', { name: 'Message history' })
      .getByText(/No messages yet|Beginning of the room/),
  ).toBeVisible()
  const panel = page.getByTestId('fault-panel')
  await expect(panel.getByTestId('fault-drop')).toBeEnabled()
  return panel
}

async function send(page: Page, text: string) {
  const composer = page.getByRole('textbox', { name: /^Message #/ })
  await composer.fill(text)
  await composer.press('Enter')
}

function message(page: Page, text: string) {
  return page
    .getByRole('log', { name: 'Messages, oldest first' })
    .getByTestId('message')
    .filter({ has: page.getByTestId('message-text').getByText(text, { exact: true }) })
}

test(
  'drop it now: Socket.IO recovers the session, gets what it missed and drains the outbox',
  { tag: DURABLE },
  async ({ browser }) => {
    const room = freshName('break')
    const ada = await openUser(browser, 'Ada')
    const bob = await openUser(browser, 'Bob')
    const panel = await openRoom(ada.page, room)
    await openRoom(bob.page, room)
    // Recovery resumes from the last event the socket received.
    await send(bob.page, 'before the drop')
    await expect(message(ada.page, 'before the drop')).toHaveCount(1)
    const socketId = await panel.getByTestId('fault-socket-id').textContent()

    await panel.getByTestId('fault-drop').click()
    await send(bob.page, 'while Ada was away')
    await send(ada.page, 'sent during the drop')
    const timeline = panel.getByTestId('fault-timeline')
    await expect(timeline).toContainText('Reconnected and recovered')
    await expect(panel.getByTestId('fault-recovered')).toHaveText('yes')
    await expect(panel.getByTestId('fault-connects')).toHaveText('2')
    await expect(panel.getByTestId('fault-socket-id')).toHaveText(socketId ?? '')
    await expect(panel.getByTestId('fault-outbox')).toHaveText('0')
    // Each message exactly once, on both sides.
    for (const page of [ada.page, bob.page]) {
      await expect(message(page, 'while Ada was away')).toHaveCount(1)
      await expect(message(page, 'sent during the drop')).toHaveCount(1)
    }
    await ada.context.close()
    await bob.context.close()
  },
)

test(
  'stall: acks are held back, then everything arrives and the outbox drains',
  { tag: DURABLE },
  async ({ browser }) => {
    const room = freshName('stall')
    const ada = await openUser(browser, 'Ada')
    const bob = await openUser(browser, 'Bob')
    const panel = await openRoom(ada.page, room)
    await openRoom(bob.page, room)

    await panel.getByTestId('fault-stall').click()
    await expect(panel.getByTestId('fault-timeline')).toContainText(
      'Asked the server to stop writing',
    )
    await send(ada.page, 'said during the stall')
    await send(bob.page, 'answered during the stall')
    // The server took Ada's message at once (Bob has it) while her own page waits for the ack.
    await expect(message(bob.page, 'said during the stall')).toHaveCount(1)
    await expect(panel.getByTestId('fault-outbox')).toHaveText('1')
    await expect(panel.getByTestId('fault-timeline')).toContainText('Outbox drained')
    await expect(panel.getByTestId('fault-outbox')).toHaveText('0')
    await expect(message(ada.page, 'answered during the stall')).toHaveCount(1)
    await expect(message(ada.page, 'said during the stall')).toHaveCount(1)
    // Stalled, not dropped: still the first connection.
    await expect(panel.getByTestId('fault-connects')).toHaveText('1')
    await ada.context.close()
    await bob.context.close()
  },
)
