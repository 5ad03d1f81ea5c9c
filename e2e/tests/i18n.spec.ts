import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'

test('the explanations switch to Chinese, stay Chinese across a reload, and switch back', async ({
  page,
}) => {
  await page.goto('/')
  const html = page.locator('html')
  await expect(html).toHaveAttribute('lang', 'en')
  await expect(page.getByRole('heading', { level: 1 })).toContainText('See both, for real')

  await page.getByRole('button', { name: '中文' }).click()
  await expect(html).toHaveAttribute('lang', 'zh-CN')
  await expect(page.getByRole('heading', { level: 1 })).toContainText('真实运行')
  await expect(page.getByRole('navigation', { name: '主导航' })).toContainText('指南')
  // The routes are contracts: the language lives in a cookie, never in the URL.
  await expect(page).toHaveURL(/\/$/)

  await page.reload()
  await expect(html).toHaveAttribute('lang', 'zh-CN')
  await expect(page.getByRole('table')).toContainText('内置自动重连')
  const tree = page.getByTestId('decision-tree')
  await tree.getByRole('button', { name: '是' }).click()
  await expect(tree).toContainText('是否有多人同时编辑同一份状态')

  // Every page keeps the choice, the 404 and each demo's "Why" box included.
  const response = await page.goto('/no-such-page')
  expect(response?.status()).toBe(404)
  await expect(page.getByTestId('not-found')).toContainText('这里没有任何数据流')
  // demo:ticker:start
  await page.goto('/ticker')
  await expect(page.getByText('为什么用 SSE').filter({ visible: true })).toBeVisible()
  // demo:ticker:end

  await page.getByRole('button', { name: 'English' }).click()
  await expect(html).toHaveAttribute('lang', 'en')
  await page.goto('/')
  await expect(page.getByRole('heading', { level: 1 })).toContainText('See both, for real')
  await page.reload()
  await expect(html).toHaveAttribute('lang', 'en')
  await expect(page.getByRole('button', { name: '中文' })).toBeVisible()
})

test('the Chinese home page has no serious or critical accessibility violations', async ({
  page,
  context,
  baseURL,
}) => {
  await context.addCookies([{ name: 'duplex-locale', value: 'zh-CN', url: baseURL ?? '' }])
  await page.goto('/')
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')
  const results = await new AxeBuilder({ page }).analyze()
  const serious = results.violations.filter(
    (v) => v.impact === 'serious' || v.impact === 'critical',
  )
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([])
})
