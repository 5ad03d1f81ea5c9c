import { expect, test } from './fixtures/cluster.ts'
import { openUser } from './fixtures/users.ts' // demo:ticker
import { freshName } from '@duplex/testing/names' // demo:ticker
import { signInApi, type ApiUser } from '../fixtures/http.ts' // demo:ticker

// demo:ticker:start
// Jobs and streams belong to a user: the API calls here are signed in as one (a session from
// one instance is good on every instance: one secret, sign-outs in Redis).
let api: ApiUser
test.beforeEach(async ({ cluster }) => {
  api = await signInApi(freshName('api'), cluster.web[0].url)
})
// demo:ticker:end

test('nginx serves pages, event streams and the realtime server on one origin', async ({
  cluster,
  request,
}) => {
  // demo:ticker:start
  // An event stream through the proxy: unbuffered, never compressed, even when gzip is offered.
  const controller = new AbortController()
  const stream = await api.fetch(`${cluster.proxyUrl}/api/ticker/stream?symbols=AAPL`, {
    headers: { 'Accept-Encoding': 'gzip, deflate, br' },
    signal: controller.signal,
  })
  expect(stream.status).toBe(200)
  expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/)
  expect(stream.headers.get('content-encoding')).toBeNull()
  const reader = stream.body?.getReader()
  const first = await reader?.read()
  expect(new TextDecoder().decode(first?.value)).toContain('event: hello')
  controller.abort()
  // demo:ticker:end

  // The realtime server's routes are on the same origin.
  // demo:editor:start
  const docs = await request.get(`${cluster.proxyUrl}/api/docs`)
  expect(docs.status(), 'no session: the realtime server refuses, it does not 404').toBe(401)
  // demo:editor:end
  // Engine.IO's handshake (the session is checked later, when the namespace is joined).
  const poll = await request.get(`${cluster.proxyUrl}/socket.io/?EIO=4&transport=polling`)
  expect(poll.status()).toBe(200)
  expect(await poll.text()).toMatch(/^0\{"sid":/)
})

// demo:ticker:start
test('the demos run through Caddy over https:// and wss://', async ({ cluster, browser }) => {
  const ada = await openUser(browser, 'Ada', cluster.caddyUrl)
  const page = ada.page
  await page.goto('/ticker?symbols=AAPL,MSFT')
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  const lastId = page.getByTestId('last-event-id')
  await expect(lastId).toHaveText(/^\d+$/)
  const first = Number(await lastId.textContent())
  await expect.poll(async () => Number(await lastId.textContent())).toBeGreaterThan(first + 5)
  expect(page.url()).toMatch(/^https:\/\/localhost:\d+\//)
  await ada.context.close()
})
// demo:ticker:end
