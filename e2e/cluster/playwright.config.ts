import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions } from '../fixtures/chromium.ts'
import { browserProjects } from '../fixtures/projects.ts'

/**
 * `pnpm test:cluster`: two web and two realtime instances in cluster mode behind nginx (and
 * Caddy over HTTPS), started by the worker fixture in fixtures/cluster.ts, against the real
 * PostgreSQL and Redis. Needs the production builds (`pnpm build`), nginx and caddy on PATH.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  // Not under e2e/test-results: the main suite empties that folder when it starts.
  outputDir: 'test-results',
  fullyParallel: false,
  // One worker, one cluster: tests kill and restart its instances, on a two-core machine.
  workers: 1,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI
    ? [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]]
    : 'list',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromiumLaunchOptions,
  },
  // Each project is its own worker, so the cluster starts once for `chromium` and once for `durable`.
  projects: browserProjects({ retries: process.env.CI ? 1 : 0 }),
})
