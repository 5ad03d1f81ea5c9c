import { freshName } from '@duplex/testing/names'
import { editorText, openDoc, typeAt } from '../fixtures/editor.ts'
import { DURABLE } from '../fixtures/projects.ts'
import { expect, test } from '../fixtures/realtime.ts'
import { openUser } from '../fixtures/users.ts'

// "Break it" on the editor: each fault the panel offers, and the recovery the page reports.
test.describe.configure({ timeout: 90_000 })

test(
  'drop it now: edits made while disconnected reach the server once y-websocket resyncs',
  { tag: DURABLE },
  async ({ browser }) => {
    const doc = freshName('break')
    const ada = await openUser(browser, 'Ada')
    await openDoc(ada.page, doc)
    const panel = ada.page.getByTestId('fault-panel')
    await expect(panel.getByTestId('fault-drop')).toBeEnabled()
    await typeAt(ada.page, 'end', 'before.')

    await panel.getByTestId('fault-drop').click()
    await typeAt(ada.page, 'end', ' during.')
    const timeline = panel.getByTestId('fault-timeline')
    await expect(timeline).toContainText('The WebSocket closed')
    await expect(timeline).toContainText('Resynced')
    await expect(panel.getByTestId('fault-connection')).toHaveText('#2')
    await expect(panel.getByTestId('fault-synced')).toHaveText('yes')

    // Someone opening the document now gets both edits from the server.
    const bob = await openUser(browser, 'Bob')
    await openDoc(bob.page, doc)
    await expect.poll(() => editorText(bob.page)).toBe('before. during.')
    await ada.context.close()
    await bob.context.close()
  },
)

test(
  'stall: the other person’s edits arrive late, in one piece, on the same WebSocket',
  { tag: DURABLE },
  async ({ browser }) => {
    const doc = freshName('stall')
    const ada = await openUser(browser, 'Ada')
    const bob = await openUser(browser, 'Bob')
    await openDoc(ada.page, doc)
    await openDoc(bob.page, doc)
    const panel = ada.page.getByTestId('fault-panel')
    await expect(panel.getByTestId('fault-stall')).toBeEnabled()

    await panel.getByTestId('fault-stall').click()
    await expect(panel.getByTestId('fault-timeline')).toContainText(
      'Asked the server to stop sending',
    )
    await typeAt(ada.page, 'end', 'Ada. ')
    await typeAt(bob.page, 'end', 'Bob.')
    // Ada's edits still reach the server (Bob sees them) while nothing comes back to her.
    await expect.poll(() => editorText(bob.page)).toContain('Ada.')
    await expect.poll(() => editorText(ada.page)).toBe(await editorText(bob.page))
    await expect(panel.getByTestId('fault-connection')).toHaveText('#1')
    await ada.context.close()
    await bob.context.close()
  },
)

test('stall: the status says the connection is stalled, and the log says when the stall ended', async ({
  browser,
}) => {
  const doc = freshName('stall-status')
  const ada = await openUser(browser, 'Ada')
  await openDoc(ada.page, doc)
  const panel = ada.page.getByTestId('fault-panel')
  const status = ada.page.getByTestId('connection-status')
  await expect(panel.getByTestId('fault-stall')).toBeEnabled()
  await panel.getByTestId('fault-stall').click()
  // While the server holds everything back, "Open · synced" would be a lie.
  await expect(status).toContainText('stalled')
  await expect(status).not.toContainText('synced')
  const timeline = panel.getByTestId('fault-timeline')
  await expect(timeline).toContainText('The stall is over after', { timeout: 30_000 })
  await expect(status).toContainText('synced')
  await expect(status).not.toContainText('stalled')
  await ada.context.close()
})

test('at 1440×900 the "Break it" panel is beside the editor, both on screen', async ({
  browser,
}) => {
  const doc = freshName('beside')
  const ada = await openUser(browser, 'Ada')
  await ada.page.setViewportSize({ width: 1440, height: 900 })
  await openDoc(ada.page, doc)
  await ada.page.getByRole('region', { name: `Document ${doc}` }).scrollIntoViewIfNeeded()
  await expect(ada.page.getByRole('textbox', { name: /^Text of / })).toBeInViewport()
  await expect(ada.page.getByTestId('fault-stall')).toBeInViewport()
  await ada.context.close()
})
