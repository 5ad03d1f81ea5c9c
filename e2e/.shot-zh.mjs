import { chromium } from '@playwright/test'
const [base, outDir, locale, ...paths] = process.argv.slice(2)
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
for (const scheme of ['light', 'dark']) {
  for (const [label, viewport] of [['desktop', { width: 1440, height: 900 }], ['mobile', { width: 390, height: 844 }]]) {
    const context = await browser.newContext({ viewport, colorScheme: scheme })
    await context.addCookies([{ name: 'duplex-locale', value: locale, url: base }])
    const page = await context.newPage()
    await page.request.post(base + '/api/session', { data: { name: 'Lin' } })
    for (const path of paths) {
      await page.goto(base + path)
      await page.waitForTimeout(2500)
      const name = `${outDir}/${path.replace(/[^a-z0-9]+/gi, '_') || 'home'}-${locale}-${scheme}-${label}.png`
      await page.screenshot({ path: name, fullPage: process.env.SHOT_FULL === '1' })
      console.info(name, await page.locator('html').getAttribute('lang'), await page.title())
    }
    await context.close()
  }
}
await browser.close()
