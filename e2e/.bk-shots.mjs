import { chromium } from '@playwright/test'

const base = 'http://localhost:3862'
const out = '/tmp/bk-shots'
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
const pages = [
  ['ticker', '/ticker?symbols=AAPL,MSFT', 'drop'],
  ['progress', '/progress', 'drop'],
  ['chat', '/chat/general', 'drop'],
  ['editor', '/editor/break-it-shots', 'drop'],
]
for (const scheme of ['light', 'dark']) {
  for (const [label, viewport] of [['desktop', { width: 1440, height: 900 }], ['mobile', { width: 390, height: 844 }]]) {
    const context = await browser.newContext({ viewport, colorScheme: scheme, baseURL: base })
    await context.request.post('/api/session', { data: { name: 'Ada' } })
    const page = await context.newPage()
    for (const [name, path, fault] of pages) {
      if (name === 'progress') await context.request.post('/api/jobs', { data: { name: 'Transcode', durationMs: 30000 } })
      await page.goto(path)
      const panel = page.getByTestId('fault-panel')
      await panel.getByTestId(`fault-${fault}`).waitFor()
      await page.waitForTimeout(1500)
      await panel.getByTestId(`fault-${fault}`).click().catch((e) => console.error(name, e.message))
      await page.waitForTimeout(4000)
      await panel.scrollIntoViewIfNeeded()
      await panel.screenshot({ path: `${out}/${name}-panel-${scheme}-${label}.png` })
      await page.screenshot({ path: `${out}/${name}-page-${scheme}-${label}.png` })
      console.info(name, scheme, label)
    }
    await context.close()
  }
}
await browser.close()
