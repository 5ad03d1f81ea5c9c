import { freshName } from '@duplex/testing/names'
import type { ConsoleMessage, Page } from '@playwright/test'
import { json, signInApi } from '../fixtures/http.ts'
import { E2E } from '../fixtures/ports.ts'
import { expect, test } from '../fixtures/realtime.ts'
import { connectSocket, connected } from '../fixtures/socket-client.ts'
import { signInPage } from '../fixtures/users.ts'

const base = E2E.webUrl

/** Pages that must run under the CSP with nothing in the console, one a line per demo. */
const PAGES = [
  '/',
  '/ticker?symbols=AAPL,MSFT', // demo:ticker
  '/progress', // demo:progress
  '/compare', // demo:compare
]
/** Pages that connect to the realtime server: the CSP must let exactly that connection through. */
const REALTIME_PAGES = [
  (name: string) => `/chat/${name}`, // demo:chat
  (name: string) => `/editor/${name}`, // demo:editor
]

/** Everything the console says, and every CSP violation the page reports. */
function watchConsole(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`${message.type()}: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  return problems
}

test('pages run under a nonce-based CSP with an empty console', async ({ page, realtime }) => {
  expect(realtime.port).toBe(E2E.realtimePort)
  await signInPage(page, freshName('csp'))
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    )
  })
  const problems = watchConsole(page)
  for (const path of [...PAGES, ...REALTIME_PAGES.map((p) => p(freshName('csp')))]) {
    const response = await page.goto(path)
    const policy = response?.headers()['content-security-policy'] ?? ''
    expect(policy, path).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/)
    expect(policy, path).toContain("frame-ancestors 'none'")
    await expect(page.locator('main')).toBeVisible()
    // Hydrated: a button the page renders responds (a blocked script would leave it dead).
    await page.waitForLoadState('load')
    await page.waitForTimeout(1500)
  }
  expect(problems).toEqual([])
})

test('every response says nosniff and a Referrer-Policy, and pages cannot be framed', async () => {
  for (const path of ['/', '/api/health']) {
    const response = await fetch(`${base}${path}`)
    expect(response.headers.get('x-content-type-options'), path).toBe('nosniff')
    expect(response.headers.get('referrer-policy'), path).toBe('same-origin')
    expect(response.headers.get('x-frame-options'), path).toBe('DENY')
  }
})

test('a cross-site form cannot sign a visitor in, and odd bodies are refused before they are read', async () => {
  // What a foreign page's <form enctype="text/plain" method="post"> sends.
  const form = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: {
      'Content-Type': 'text/plain',
      Origin: 'https://evil.example',
      'Sec-Fetch-Site': 'cross-site',
    },
    body: '{"name":"Mallory","x":"=1"}',
  })
  expect(form.status).toBe(403)
  expect(form.headers.get('set-cookie')).toBeNull()
  const plain = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain' },
    body: '{"name":"Mallory"}',
  })
  expect(plain.status).toBe(415)
  const big = await fetch(`${base}/api/session`, json({ name: 'x'.repeat(1_000_000) }))
  expect(big.status).toBe(413)
  expect(((await big.json()) as { error: { code: string } }).error.code).toBe('too_large')
  expect((await fetch(`${base}/api/health`)).status).toBe(200)
})

test('signing out revokes the token: the realtime server refuses it afterwards', async () => {
  const api = await signInApi(freshName('revoke'))
  const before = connectSocket(api.token)
  await connected(before)
  before.close()
  // The token stays out of page scripts when the realtime server is on the same host.
  const me = (await (await api.fetch(`${base}/api/session`)).json()) as { token?: string }
  expect(me.token).toBeUndefined()

  expect((await api.fetch(`${base}/api/session`, { method: 'DELETE' })).status).toBe(204)
  expect((await api.fetch(`${base}/api/session`)).status).toBe(401)
  const after = connectSocket(api.token)
  await expect(connected(after)).rejects.toThrow(/^unauthorized/)
  after.close()
})

// demo:ticker:start
test('a ticker stream belongs to its opener: another user’s subscription change is a 404', async () => {
  const ada = await signInApi(freshName('Ada'))
  const mallory = await signInApi(freshName('Mallory'))
  expect((await fetch(`${base}/api/ticker/stream?symbols=AAPL`)).status).toBe(401)
  const controller = new AbortController()
  const stream = await ada.fetch(`${base}/api/ticker/stream?symbols=AAPL`, {
    signal: controller.signal,
  })
  const reader = stream.body?.getReader()
  let text = ''
  while (!/"connectionId":"[^"]+"/.test(text)) {
    const chunk = await reader?.read()
    if (!chunk || chunk.done) break
    text += new TextDecoder().decode(chunk.value)
  }
  const connectionId = /"connectionId":"([^"]+)"/.exec(text)?.[1] ?? ''
  const change = { connectionId, add: ['TSLA'], remove: [] }
  const theirs = await mallory.fetch(`${base}/api/ticker/subscriptions`, json(change))
  expect(theirs.status).toBe(404)
  const mine = await ada.fetch(`${base}/api/ticker/subscriptions`, json(change))
  expect(mine.status).toBe(200)
  controller.abort()
})
// demo:ticker:end
