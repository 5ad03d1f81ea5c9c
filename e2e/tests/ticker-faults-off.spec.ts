import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { waitFor } from '@duplex/testing/wait'
import {
  freePort,
  startProcess,
  WATCH_PARENT,
  type Managed,
} from '../cluster/fixtures/processes.ts'
import { E2E } from '../fixtures/ports.ts'

// A deployment that does not let visitors break their own streams: FAULTS_ENABLED=false on a web
// server of its own (the suite's server keeps faults on). The panel says so instead of offering
// buttons, and the route refuses with its own code, whatever the page would have sent.

const WEB_DIR = path.join(E2E.repoRoot, 'apps/web')

let web: Managed
let baseUrl: string
let dataDir: string

test.beforeAll(async () => {
  const port = await freePort()
  baseUrl = `http://127.0.0.1:${port}`
  dataDir = mkdtempSync(path.join(tmpdir(), 'duplex-faults-off-'))
  web = startProcess({
    name: 'web-faults-off',
    command: process.execPath,
    args: [
      '--import',
      WATCH_PARENT,
      path.join(WEB_DIR, 'node_modules/next/dist/bin/next'),
      'start',
      '--port',
      String(port),
      '--hostname',
      '127.0.0.1',
    ],
    cwd: WEB_DIR,
    env: {
      ...process.env,
      ...E2E.webEnv,
      PORT: String(port),
      DUPLEX_DATA_DIR: dataDir,
      NODE_ENV: 'production',
      FAULTS_ENABLED: 'false',
    },
  })
  await waitFor(
    async () => (await fetch(`${baseUrl}/api/health`).catch(() => undefined))?.ok === true,
    { timeoutMs: 60_000, message: () => `the faults-off web server to start:\n${web.output()}` },
  )
})

test.afterAll(async () => {
  await web?.stop('SIGTERM', 10_000)
  rmSync(dataDir, { recursive: true, force: true })
})

test('with FAULTS_ENABLED=false the panel offers no faults and the route refuses them', async ({
  page,
}) => {
  expect((await page.request.post(`${baseUrl}/api/session`, { data: { name: 'Ada' } })).ok()).toBe(
    true,
  )
  await page.goto(`${baseUrl}/ticker?symbols=AAPL`)
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  const panel = page.getByTestId('fault-panel')
  await expect(panel.getByTestId('fault-disabled')).toContainText('FAULTS_ENABLED=false')
  await expect(panel.getByRole('button', { name: 'Drop it now' })).toHaveCount(0)

  // The request the drop button would send, from the page itself (same origin, the cookie).
  const refused = await page.evaluate(async () => {
    const response = await fetch('/api/faults', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ transport: 'sse', connectionId: 'any-stream', fault: 'drop' }),
    })
    return { status: response.status, body: (await response.json()) as { error: { code: string } } }
  })
  expect(refused.status).toBe(403)
  expect(refused.body.error.code).toBe('faults_disabled')
  // Nothing was cut: the stream is still the page's first one.
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  await expect(panel.getByTestId('fault-connection')).toHaveText('#1')
})
