import { test, expect, type Browser } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freshName } from '@duplex/testing/names'
import { waitFor } from '@duplex/testing/wait'
import { openDoc } from '../fixtures/editor.ts' // demo:editor
import { E2E } from '../fixtures/ports.ts'

// The README's way to run Duplex, on ports other than 3000/3001: `PORT=… REALTIME_PORT=… pnpm
// start` from the repo root (turbo starts both apps; the build is turbo's cache hit), with a
// data folder of its own and no other setting. One start serves both tests.

/** A loopback address other than 127.0.0.1: the same servers, an origin nobody allowed. */
const UNLISTED_HOST = '127.0.0.7'

/** Whether `port` is free on every interface (where `next start` and the realtime server bind). */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, () => probe.close(() => resolve(true)))
  })
}

/** Two free ports in a row in 4100–4199, so this run collides with no other server here. */
async function freePortPair(): Promise<number> {
  for (let port = 4100; port < 4199; port += 2) {
    if ((await isFree(port)) && (await isFree(port + 1))) return port
  }
  throw new Error('no two free ports in a row in 4100-4199')
}

interface Started {
  webPort: number
  realtimePort: number
  output(): string
  stop(): Promise<void>
}

async function pnpmStart(): Promise<Started> {
  const webPort = await freePortPair()
  const realtimePort = webPort + 1
  const dataDir = mkdtempSync(path.join(tmpdir(), 'duplex-any-port-'))
  // A user's shell: nothing of the suite's own settings (no ALLOWED_ORIGINS, no E2E_*).
  const child: ChildProcess = spawn('pnpm', ['start'], {
    cwd: E2E.repoRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(process.env.CI && { CI: process.env.CI }),
      NEXT_TELEMETRY_DISABLED: '1',
      TURBO_TELEMETRY_DISABLED: '1',
      PORT: String(webPort),
      REALTIME_PORT: String(realtimePort),
      DUPLEX_DATA_DIR: dataDir,
    },
    // Its own process group: turbo and both apps are stopped together.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-8000))
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal)
    } catch {
      // Already gone.
    }
  }
  const killOnExit = () => signalGroup('SIGKILL')
  process.on('exit', killOnExit)
  const stop = async () => {
    signalGroup('SIGTERM')
    const timer = setTimeout(() => signalGroup('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
    process.off('exit', killOnExit)
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`pnpm start exited:\n${log}`)
        const answers = await Promise.all(
          [`${webPort}/api/health`, `${realtimePort}/healthz`].map((where) =>
            fetch(`http://127.0.0.1:${where}`).then(
              (response) => response.ok,
              () => false,
            ),
          ),
        )
        return answers.every(Boolean)
      },
      { timeoutMs: 120_000, intervalMs: 250, message: () => `pnpm start to serve:\n${log}` },
    )
  } catch (error) {
    await stop()
    throw error
  }
  return { webPort, realtimePort, output: () => log, stop }
}

async function signedIn(browser: Browser, baseURL: string, name: string) {
  const context = await browser.newContext({ baseURL })
  const response = await context.request.post('/api/session', { data: { name } })
  expect(response.status(), await response.text()).toBe(200)
  return { context, page: await context.newPage() }
}

test.describe.configure({ mode: 'serial', timeout: 90_000 })

let app: Started
test.beforeAll(async () => {
  // A cold turbo cache rebuilds first; a warm one (after `pnpm build`) only restores.
  test.setTimeout(180_000)
  app = await pnpmStart()
})
test.afterAll(async () => {
  await app?.stop()
})

test('PORT and REALTIME_PORT alone: chat and the editor connect from localhost', async ({
  browser,
}) => {
  const { context, page } = await signedIn(
    browser,
    `http://localhost:${app.webPort}`,
    freshName('Porter'),
  )
  // demo:chat:start
  await page.goto('/chat/general')
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  const text = freshName('hello from another port')
  const composer = page.getByRole('textbox', { name: /^Message #/ })
  await composer.fill(text)
  await composer.press('Enter')
  const sent = page
    .getByRole('log', { name: 'Messages, oldest first' })
    .getByTestId('message')
    .filter({ hasText: text })
  await expect(sent).toHaveAttribute('data-status', 'sent')
  // demo:chat:end
  // demo:editor:start
  await openDoc(page, freshName('ported'))
  await expect(page.getByTestId('origin-refused')).toHaveCount(0)
  // demo:editor:end
  await context.close()
})

test('a page on an origin the realtime server refuses says so and names ALLOWED_ORIGINS', async ({
  browser,
}) => {
  const origin = `http://${UNLISTED_HOST}:${app.webPort}`
  const { context, page } = await signedIn(browser, origin, freshName('Stranger'))
  // demo:chat:start
  await page.goto('/chat/general')
  const inChat = page.getByTestId('origin-refused')
  await expect(inChat).toContainText('does not accept pages from this address')
  await expect(inChat).toContainText(origin)
  await expect(inChat).toContainText('ALLOWED_ORIGINS')
  await expect(page.getByTestId('realtime-unreachable')).toHaveCount(0)
  // demo:chat:end
  // demo:editor:start
  // The editor says the same, in the reader's language.
  await context.addCookies([{ name: 'duplex-locale', value: 'zh-CN', url: origin }])
  await page.goto(`/editor/${freshName('refused')}`)
  const inEditor = page.getByTestId('origin-refused')
  await expect(inEditor).toContainText('实时服务器不接受来自这个地址的页面')
  await expect(inEditor).toContainText(origin)
  await expect(inEditor).toContainText('ALLOWED_ORIGINS')
  // demo:editor:end
  await context.close()
})
