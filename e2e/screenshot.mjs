// Usage: node e2e/screenshot.mjs <baseUrl> <outDir> <path...>
// Takes light and dark, desktop and mobile screenshots of pages with Debian's Chromium.
import { chromium } from '@playwright/test'

const [base, outDir, ...paths] = process.argv.slice(2)
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
})
for (const scheme of ['light', 'dark']) {
  for (const [label, viewport] of [
    ['desktop', { width: 1366, height: 900 }],
    ['mobile', { width: 390, height: 844 }],
  ]) {
    const context = await browser.newContext({
      viewport,
      colorScheme: scheme,
      deviceScaleFactor: 1,
    })
    const page = await context.newPage()
    for (const path of paths) {
      await page.goto(base + path)
      await page.waitForTimeout(Number(process.env.SHOT_WAIT_MS ?? 3000))
      const name = `${outDir}/${path.replace(/[^a-z0-9]+/gi, '_') || 'home'}-${scheme}-${label}.png`
      await page.screenshot({ path: name, fullPage: process.env.SHOT_FULL === '1' })
      console.info(name)
    }
    await context.close()
  }
}
await browser.close()
