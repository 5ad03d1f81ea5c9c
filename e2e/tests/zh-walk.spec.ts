import type { BrowserContext, Page } from '@playwright/test'
import { freshName } from '@duplex/testing/names' // demo:editor
import { expect, test } from '../fixtures/realtime.ts'

/**
 * Walks every page in 中文, in each state a visitor can bring a demo into (signed out, signed in,
 * running, failed, offline), and fails on any Latin-script word a Chinese reader would see that is
 * not a name the page must keep: products and libraries, protocol and header names, units, ticker
 * symbols. Code and user content are marked `translate="no"` (or are `<code>`/`<pre>`/`<kbd>`), the
 * HTML attribute translators and translation tools already honour, so the walk skips them too.
 */
test.describe.configure({ timeout: 180_000 })

/** Words a Chinese page keeps in Latin script: names of things, not sentences about them. */
const KEEP = new Set(
  [
    // The product, the protocols and the libraries it shows.
    'Duplex',
    'WebSocket',
    'WebSockets',
    'EventSource',
    'Socket.IO',
    'Socket',
    'IO',
    'Yjs',
    'y-websocket',
    'y-codemirror',
    'CodeMirror',
    'Next.js',
    'Next',
    'js',
    'Node.js',
    'Node',
    'React',
    'Redis',
    'PostgreSQL',
    'SQLite',
    'nginx',
    'Caddy',
    'Chromium',
    'Hocuspocus',
    'Centrifugo',
    'Liveblocks',
    'PartyKit',
    'better-sse',
    'socket.io-client',
    'ws',
    'wss',
    'engine.io',
    'Kysely',
    'zod',
    'GitHub',
    'Lighthouse',
    'Playwright',
    'Last-Event-ID',
    'Last',
    'Event',
    'ID',
    'id',
    'retry',
    'data',
    'event',
    'ping',
    'pong',
    'polling',
    'Long-polling',
    'long-polling',
    'Shift',
    'Tab',
    'Esc',
    'Enter',
    'Ctrl',
    'Cmd',
    // Units and figures.
    'ms',
    'KB',
    'MB',
    'GB',
    'kB',
    'px',
    'p',
    'x',
    'N',
    'Hz',
    'fps',
    'rps',
    'CPU',
    'KiB',
    // Protocol words a Chinese developer reads as names: headers, encodings, formats.
    'http',
    'https',
    'Cookie',
    'Upgrade',
    'base64',
    'varuint',
    'Markdown',
    'httpOnly',
    'GiB',
    'Web',
    'Streams',
    // Yjs's and Socket.IO's own terms, which their Chinese documentation keeps.
    'provider',
    'awareness',
    'ack',
    'seq',
    // The project's commands.
    'pnpm',
    'bench',
    'MiB',
    'CC',
    'BY',
  ].map((w) => w.toLowerCase()),
)

/** Acronyms (SSE, HTTP, JSON, TCP…) and ticker symbols (BTC, ETH…) are names in any language. */
const ACRONYM = /^[A-Z][A-Z0-9]{1,7}s?$/

/**
 * Content every page may show: the market's company names, the seeded room, the example
 * document name (document names are Latin by rule), the benchmark's published trace.
 */
const CONTENT = [
  'Apple', // demo:ticker
  'Microsoft', // demo:ticker
  'Tesla', // demo:ticker
  'Nvidia', // demo:ticker
  'Amazon', // demo:ticker
  'Alphabet', // demo:ticker
  'general', // demo:chat
  'meeting-notes', // demo:editor
  'seph-blog1', // demo:compare
]

interface Seen {
  word: string
  text: string
}

/** Every word a reader sees on the page: text, placeholders, labels, titles and alt text. */
async function visibleLatinWords(page: Page, userContent: readonly string[]): Promise<Seen[]> {
  const found = await page.evaluate(() => {
    const SKIP =
      'code, pre, kbd, samp, script, style, noscript, template, svg title, [translate="no"], [aria-hidden="true"], [lang]:not([lang^="zh"])'
    const out: string[] = []
    const visible = (el: Element) =>
      !el.closest(SKIP) &&
      (el.checkVisibility?.({ visibilityProperty: true, opacityProperty: false }) ?? true)
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement
      const text = node.textContent?.trim()
      if (parent && text && visible(parent)) out.push(text)
    }
    for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], [alt]')) {
      if (!visible(el)) continue
      for (const attr of ['placeholder', 'aria-label', 'title', 'alt']) {
        const value = el.getAttribute(attr)?.trim()
        if (value) out.push(value)
      }
    }
    out.push(document.title)
    return out
  })
  const content = new Set([...CONTENT, ...userContent].map((w) => w.toLowerCase()))
  const seen: Seen[] = []
  for (const found_ of found) {
    // The guide's own names for the two protocols, and MIME types, stay in Latin script.
    // Paths, routes and MIME types (anything with a slash) are code.
    const text = found_.replace(/Server-Sent Events/g, 'SSE').replace(/\S*\/\S*/g, ' ')
    // Words, with the dots and dashes that belong to names like Socket.IO or better-sse.
    for (const match of text.matchAll(/[A-Za-z][A-Za-z0-9]*(?:[.-][A-Za-z0-9]+)*/g)) {
      const word = match[0]
      if (word.length < 2 && !/[a-z]/.test(word)) continue
      if (word.length === 1) continue
      // kebab-case is an identifier (an event, a stack, a trace), never an English phrase.
      if (/^[a-z0-9]+(?:-[a-z0-9]+)+$/.test(word)) continue
      if (ACRONYM.test(word) || KEEP.has(word.toLowerCase()) || content.has(word.toLowerCase()))
        continue
      // A name made of kept parts ("Socket.IO", "Next.js", "p50") is kept.
      const parts = word.split(/[.-]/)
      const kept = (p: string) =>
        KEEP.has(p.toLowerCase()) ||
        content.has(p.toLowerCase()) ||
        ACRONYM.test(p) ||
        /^[a-z]?\d+$/i.test(p)
      if (parts.every(kept)) continue
      seen.push({ word, text: found_.slice(0, 120) })
    }
  }
  return seen
}

/** Collects the untranslated words of each visited state, so one run lists them all. */
class Walk {
  readonly problems: string[] = []
  constructor(
    private readonly page: Page,
    private readonly userContent: readonly string[],
  ) {}

  async check(state: string): Promise<void> {
    // Live pages keep changing: let the first data, statuses and timers render.
    await this.page.waitForTimeout(1200)
    const words = await visibleLatinWords(this.page, this.userContent)
    const unique = new Map(words.map((w) => [w.word, w.text]))
    for (const [word, text] of unique) this.problems.push(`${state}: "${word}" in “${text}”`)
  }
}

async function chinese(context: BrowserContext, baseURL: string | undefined): Promise<void> {
  await context.addCookies([{ name: 'duplex-locale', value: 'zh-CN', url: baseURL ?? '' }])
}

async function signIn(page: Page, name: string): Promise<void> {
  const response = await page.request.post('/api/session', { data: { name } })
  expect(response.status(), await response.text()).toBe(200)
}

/** The pages with no demo state of their own, one a line so each goes with its demo. */
const PAGES = [
  '/',
  '/no-such-page',
  '/ticker', // demo:ticker
  '/progress', // demo:progress
  '/chat', // demo:chat
  '/editor', // demo:editor
  '/compare', // demo:compare
]

test('every page signed out is in Chinese', async ({ page, context, baseURL }) => {
  await chinese(context, baseURL)
  const walk = new Walk(page, [])
  for (const path of PAGES) {
    await page.goto(path)
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')
    await walk.check(`signed out ${path}`)
  }
  expect(walk.problems).toEqual([])
})

test('every page signed in is in Chinese', async ({ page, context, baseURL }) => {
  await chinese(context, baseURL)
  await signIn(page, '测试员')
  const walk = new Walk(page, [])
  for (const path of PAGES) {
    await page.goto(path)
    await walk.check(`signed in ${path}`)
  }
  expect(walk.problems).toEqual([])
})

// demo:progress:start
test('progress running, done and failed is in Chinese', async ({ page, context, baseURL }) => {
  await chinese(context, baseURL)
  await signIn(page, '测试员')
  const walk = new Walk(page, [])
  await page.request.post('/api/jobs', { data: { name: '导出报表', durationMs: 60_000 } })
  await page.request.post('/api/jobs', { data: { name: '短任务', durationMs: 500 } })
  await page.request.post('/api/jobs', {
    data: { name: '失败任务', durationMs: 500, simulateFailure: true },
  })
  await page.goto('/progress')
  await expect(page.getByTestId('job')).toHaveCount(3)
  await expect(page.getByTestId('job-status').filter({ hasText: /\S/ })).toHaveCount(3)
  await page.waitForTimeout(2000)
  await walk.check('progress running/done/failed')
  await page.getByTestId('fault-restart').click()
  await walk.check('progress after "Break it: restart"')
  await context.setOffline(true)
  await walk.check('progress offline')
  await context.setOffline(false)
  expect(walk.problems).toEqual([])
})
// demo:progress:end

// demo:ticker:start
test('ticker streaming, broken and offline is in Chinese', async ({ page, context, baseURL }) => {
  await chinese(context, baseURL)
  await signIn(page, '测试员')
  const walk = new Walk(page, [])
  await page.goto('/ticker')
  await expect(page.getByTestId('price').first()).toBeVisible()
  await walk.check('ticker streaming')
  await page.getByTestId('fault-drop').click()
  await walk.check('ticker after "Break it: drop"')
  await context.setOffline(true)
  await walk.check('ticker offline')
  await context.setOffline(false)
  expect(walk.problems).toEqual([])
})
// demo:ticker:end

// demo:chat:start
test('a chat room with messages, broken and offline is in Chinese', async ({
  page,
  context,
  baseURL,
}) => {
  await chinese(context, baseURL)
  await signIn(page, '测试员')
  const walk = new Walk(page, [])
  await page.goto('/chat/general')
  const composer = page.getByRole('textbox').last()
  await composer.fill('你好,大家')
  await composer.press('Enter')
  await expect(page.getByTestId('message-text').filter({ hasText: '你好,大家' })).toBeVisible()
  await walk.check('chat room')
  await page.getByTestId('fault-drop').click()
  await walk.check('chat after "Break it: drop"')
  await context.setOffline(true)
  await composer.fill('离线消息')
  await composer.press('Enter')
  await walk.check('chat offline')
  await context.setOffline(false)
  expect(walk.problems).toEqual([])
})
// demo:chat:end

// demo:editor:start
test('an open document is in Chinese', async ({ page, context, baseURL }) => {
  await chinese(context, baseURL)
  await signIn(page, '测试员')
  const doc = freshName('wendang')
  const walk = new Walk(page, doc.split(/[-_]/))
  await page.goto(`/editor/${doc}`)
  await expect(page.getByTestId('editor')).toBeVisible()
  await page.locator('.cm-content').click()
  await page.keyboard.type('你好')
  await walk.check('editor open')
  await page.getByTestId('fault-drop').click()
  await walk.check('editor after "Break it: drop"')
  await context.setOffline(true)
  await walk.check('editor offline')
  await context.setOffline(false)
  await page.goto('/editor')
  await walk.check('editor index with a document')
  expect(walk.problems).toEqual([])
})
// demo:editor:end

// demo:compare:start
test('a comparison run is in Chinese', async ({ page, context, baseURL }) => {
  await chinese(context, baseURL)
  await signIn(page, '测试员')
  const walk = new Walk(page, [])
  await page.goto('/compare')
  await page.getByTestId('compare-run').click()
  await expect(page.getByTestId('live-totals')).toBeVisible()
  await page.waitForTimeout(3000)
  await walk.check('compare after a run')
  expect(walk.problems).toEqual([])
})
// demo:compare:end
