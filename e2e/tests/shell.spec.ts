import { freshName } from '@duplex/testing/names'
import { expect, test } from '../fixtures/realtime.ts'
import { startNetworkSwitch } from '../fixtures/network-switch.ts' // demo:chat
import { openUser } from '../fixtures/users.ts' // demo:chat

// Issue 19: the shared shell on a phone (items 6 and 7), focus after sign-in (item 12), and a
// status that says the device is offline rather than blaming the server (item 9).

const PHONE = { width: 390, height: 844 }

test('on a phone the header menu reaches all six destinations, by keyboard too', async ({
  page,
}) => {
  await page.setViewportSize(PHONE)
  await page.goto('/')
  const nav = page.getByRole('navigation', { name: 'Main' })
  const menu = nav.getByRole('button', { name: 'Menu' })
  await expect(menu).toHaveAttribute('aria-expanded', 'false')
  await menu.focus()
  await page.keyboard.press('Enter')
  await expect(menu).toHaveAttribute('aria-expanded', 'true')
  const links = nav.getByRole('link')
  await expect(links).toHaveCount(6)
  for (const link of await links.all()) {
    await expect(link).toBeInViewport({ ratio: 1 })
  }
  // Tab goes from the button into the list; Escape closes it and gives focus back.
  await page.keyboard.press('Tab')
  await expect(links.first()).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(menu).toHaveAttribute('aria-expanded', 'false')
  await expect(menu).toBeFocused()
  await expect(nav.getByRole('link')).toHaveCount(0)

  // One tap: open, follow, and the menu is closed on the new page, naming it.
  await menu.click()
  const last = links.last()
  const href = (await last.getAttribute('href')) ?? ''
  const name = (await last.textContent()) ?? ''
  await last.click()
  await expect(page).toHaveURL(new URL(href, page.url()).href)
  await expect(menu).toHaveAttribute('aria-expanded', 'false')
  await expect(menu).toContainText(name)
})

test('the header menu is in Chinese for a Chinese reader', async ({ page, context }) => {
  await page.setViewportSize(PHONE)
  await page.goto('/')
  await context.addCookies([
    { name: 'duplex-locale', value: 'zh-CN', domain: new URL(page.url()).hostname, path: '/' },
  ])
  await page.reload()
  const nav = page.getByRole('navigation', { name: '主导航' })
  await nav.getByRole('button', { name: '菜单' }).click()
  await expect(nav.getByRole('link', { name: '指南' })).toBeVisible()
  await expect(nav.getByRole('link')).toHaveCount(6)
})

test('the home page fits a phone: comparison stacked, a Compare card, an honest example', async ({
  page,
}) => {
  await page.setViewportSize(PHONE)
  await page.goto('/')
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    PHONE.width,
  )
  const stack = page.getByTestId('comparison-stack')
  await expect(stack).toBeVisible()
  const ws = stack.getByText('WebSocket', { exact: true }).first()
  await ws.scrollIntoViewIfNeeded()
  await expect(ws).toBeInViewport({ ratio: 1 })
  await expect(stack.getByRole('listitem')).toHaveCount(8)

  // demo:compare:start
  const card = page.getByRole('link', { name: /Compare the numbers/ })
  await expect(card).toHaveAttribute('href', '/compare')
  // demo:compare:end
  await expect(page.getByTestId('same-update-example')).toContainText('example')
  await expect(page.locator('footer')).not.toContainText('Every number on these pages')
})

// demo:ticker:start
test('a demo intro cut on a phone opens with "More"', async ({ page }) => {
  await page.setViewportSize(PHONE)
  await page.goto('/ticker')
  const lede = page.getByTestId('demo-lede')
  const toggle = page.getByTestId('demo-lede-toggle')
  const folded = (await lede.boundingBox())?.height ?? 0
  await expect(toggle).toHaveText('More')
  await toggle.click()
  await expect(toggle).toHaveAttribute('aria-expanded', 'true')
  await expect(toggle).toHaveText('Less')
  expect((await lede.boundingBox())?.height ?? 0).toBeGreaterThan(folded)
})
// demo:ticker:end

// demo:ticker:start
test('after signing in, focus is on the page’s main content, not the top of the page', async ({
  page,
}) => {
  await page.goto('/ticker')
  await page.getByLabel('Display name').fill(freshName('focus'))
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByTestId('connection-status')).toBeVisible()
  await expect(page.locator('main#main')).toBeFocused()
  // The next Tab lands inside the demo, not on the skip link or the header.
  await page.keyboard.press('Tab')
  expect(await page.evaluate(() => !!document.activeElement?.closest('main'))).toBe(true)
})
// demo:ticker:end

// demo:chat:start
test('offline, the status says the device is offline, not that the server is silent', async ({
  browser,
}) => {
  const net = await startNetworkSwitch()
  try {
    const ada = await openUser(browser, freshName('Offline'), net.webUrl)
    await ada.page.goto('/chat')
    const status = ada.page.getByTestId('connection-status')
    await expect(status).toHaveAttribute('data-status', 'open')

    net.setOnline(false)
    await ada.context.setOffline(true)
    await expect(status).toHaveAttribute('data-status', /reconnecting|connecting/)
    await expect(status).toContainText('this device is offline')
    await expect(status).not.toContainText('not answering')
    // However long it stays down, the page does not blame the realtime server.
    // (The chat page says so in its own box; other pages in the shared one.)
    await expect(
      ada.page.getByTestId('device-offline').or(ada.page.getByTestId('chat-offline')),
    ).toBeVisible({ timeout: 30_000 })
    await expect(ada.page.getByTestId('realtime-unreachable')).toHaveCount(0)

    await ada.context.setOffline(false)
    net.setOnline(true)
    await expect(status).toHaveAttribute('data-status', 'open', { timeout: 30_000 })
    await expect(status).not.toContainText('offline')
    await ada.context.close()
  } finally {
    await net.close()
  }
})
// demo:chat:end
