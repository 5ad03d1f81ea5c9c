import { DURABLE } from '../fixtures/projects.ts'
import type { Page } from '@playwright/test'
import { openSse } from '@duplex/testing/sse'
import { expect, test } from './fixtures/cluster.ts'
import { openUser } from './fixtures/users.ts'
import { freshName } from '@duplex/testing/names'
import { signInApi, type ApiUser } from '../fixtures/http.ts'

// Jobs and streams belong to a user: the API calls here are signed in as one (a session from
// one instance is good on every instance: one secret, sign-outs in Redis).
let api: ApiUser
test.beforeEach(async ({ cluster }) => {
  api = await signInApi(freshName('api'), cluster.web[0].url)
})

/** Tick frames the wire panel shows, oldest first: what the page really received. */
async function wireTicks(page: Page) {
  const texts = await page
    .locator('[data-testid="wire-log"] li[data-event="tick"] pre')
    .allTextContents()
  return texts.reverse().map((text) => {
    const id = Number(/^id: (\d+)$/m.exec(text)?.[1])
    const data = JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? '{}') as {
      symbol: string
      seq: number
    }
    return { id, ...data }
  })
}

function expectContiguous(ticks: { id: number; symbol: string; seq: number }[]) {
  const ids = ticks.map((t) => t.id)
  expect(new Set(ids).size, 'no tick arrives twice').toBe(ids.length)
  ids.forEach((id, i) => i > 0 && expect(id).toBeGreaterThan(ids[i - 1] ?? 0))
  for (const symbol of new Set(ticks.map((t) => t.symbol))) {
    const seqs = ticks.filter((t) => t.symbol === symbol).map((t) => t.seq)
    seqs.forEach(
      (s, i) => i > 0 && expect(s, `${symbol} after #${seqs[i - 1]}`).toBe((seqs[i - 1] ?? 0) + 1),
    )
  }
}

test('one market for the cluster: both instances serve the same ticks under the same ids', async ({
  cluster,
}) => {
  const symbols = 'AAPL,MSFT,NVDA,TSLA'
  const a = await openSse(`${cluster.web[0].url}/api/ticker/stream?symbols=${symbols}`, api.init())
  const b = await openSse(`${cluster.web[1].url}/api/ticker/stream?symbols=${symbols}`, api.init())
  const ticksOf = (s: typeof a) =>
    s.events.filter((e) => e.event === 'tick').map((e) => ({ id: Number(e.id), data: e.data }))
  await expect.poll(() => Math.min(ticksOf(a).length, ticksOf(b).length)).toBeGreaterThan(30)
  const onA = new Map(ticksOf(a).map((t) => [t.id, t.data]))
  const common = ticksOf(b).filter((t) => onA.has(t.id))
  expect(common.length).toBeGreaterThan(20)
  for (const t of common) expect(t.data, `tick ${t.id}`).toBe(onA.get(t.id))
  const running = await Promise.all(cluster.web.map(async (w) => (await w.health()).runsMarket))
  expect(running.filter(Boolean)).toHaveLength(1)
  await Promise.all([a.close(), b.close()])
})

test(
  'a stream resumes on the other web instance when its own is killed, with contiguous ids',
  { tag: DURABLE },
  async ({ cluster, browser }) => {
    // The victim runs the market too: the stream AND the market fail over at once.
    const victim = await cluster.leader()
    const survivor = cluster.web[1 - victim] as (typeof cluster.web)[0]
    const user = await openUser(browser, 'Ada', cluster.pinned[victim])
    const { page } = user
    await page.goto('/ticker?symbols=AAPL,MSFT,NVDA,TSLA')
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
    await expect.poll(async () => (await wireTicks(page)).length).toBeGreaterThan(15)
    expect(
      ((await cluster.web[victim].health()).ticker as { connections: number }).connections,
    ).toBeGreaterThan(0)

    const before = await wireTicks(page)
    const exit = await cluster.web[victim].kill('SIGKILL')
    expect(exit.signal).toBe('SIGKILL')

    // EventSource reconnects through the same proxy, which now only has the backup instance.
    await expect
      .poll(async () => (await wireTicks(page)).length, { timeout: 30_000 })
      .toBeGreaterThan(before.length + 20)
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
    expect(
      ((await survivor.health()).ticker as { connections: number }).connections,
    ).toBeGreaterThan(0)
    expect((await survivor.health()).runsMarket).toBe(true)

    expectContiguous(await wireTicks(page))
    await expect(page.getByTestId('gap-count')).toHaveText('0')
    await expect(page.getByTestId('duplicate-count')).toHaveText('0')
    await expect(page.getByTestId('reset-count')).toHaveText('0')
    await user.context.close()
  },
)

test('a subscription change reaches the stream from either instance; 404 only when none has it', async ({
  cluster,
}) => {
  const stream = await openSse(`${cluster.web[0].url}/api/ticker/stream?symbols=AAPL`, api.init())
  await expect.poll(() => stream.events.filter((e) => e.event === 'hello').length).toBe(1)
  const { connectionId } = JSON.parse(stream.events[0]?.data ?? '{}') as { connectionId: string }

  const change = await api.fetch(`${cluster.web[1].url}/api/ticker/subscriptions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ connectionId, add: ['TSLA'], remove: ['AAPL'] }),
  })
  expect(change.status).toBe(200)
  expect(await change.json()).toEqual({ connectionId, symbols: ['TSLA'] })
  await expect
    .poll(() => stream.events.some((e) => e.event === 'tick' && e.data.includes('"symbol":"TSLA"')))
    .toBe(true)

  const unknown = await api.fetch(`${cluster.proxyUrl}/api/ticker/subscriptions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ connectionId: crypto.randomUUID(), add: ['MSFT'], remove: [] }),
  })
  expect(unknown.status).toBe(404)
  expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found')
  await stream.close()
})

test(
  'SIGTERM: streams move to the other instance without an error, and the process exits in bounded time',
  { tag: DURABLE },
  async ({ cluster, browser }) => {
    const victim = await cluster.leader()
    const user = await openUser(browser, 'Grace', cluster.pinned[victim])
    const { page } = user
    const failures: string[] = []
    page.on('response', (r) => {
      if (r.status() >= 500) failures.push(`${r.status()} ${r.url()}`)
    })
    await page.goto('/ticker?symbols=AAPL,MSFT,NVDA,TSLA')
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
    await expect.poll(async () => (await wireTicks(page)).length).toBeGreaterThan(15)
    const before = await wireTicks(page)

    const startedAt = Date.now()
    const exit = await cluster.web[victim].kill('SIGTERM', 20_000)
    const tookMs = Date.now() - startedAt
    expect(exit.signal, 'exited by itself, not killed after the timeout').toBeNull()
    expect(tookMs).toBeLessThan(10_000)

    // The page was told why (the `closing` event) and came back on the other instance.
    await expect(
      page.locator('[data-testid="wire-log"] li[data-event="closing"]').first(),
    ).toContainText('This server is restarting')
    await expect
      .poll(async () => (await wireTicks(page)).length, { timeout: 30_000 })
      .toBeGreaterThan(before.length + 20)
    expectContiguous(await wireTicks(page))
    await expect(page.getByTestId('gap-count')).toHaveText('0')
    await expect(page.getByTestId('duplicate-count')).toHaveText('0')

    // Navigating during and after the shutdown never shows an error page.
    const response = await page.goto('/')
    expect(response?.status()).toBe(200)
    expect(failures).toEqual([])
    await user.context.close()
  },
)
