import { defineConfig, devices } from '@playwright/test'
import { chromiumLaunchOptions } from '../fixtures/chromium.ts'

/**
 * `pnpm test:faults`: the production topology of the README (two instances of each app, nginx in
 * front) on a PostgreSQL and a Redis of the suite's own, which the specs stop, restart empty and
 * cut off from one instance. Needs the production builds, nginx, caddy, and Debian's
 * `redis-server` and `pg_createcluster` (run as root); never touches the machine's shared stores.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: 'test-results',
  fullyParallel: false,
  // One worker, one cluster and one pair of stores, which the specs break on purpose.
  workers: 1,
  // Each spec asserts that nothing was lost: a retry that passes would hide a loss.
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI
    ? [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]]
    : 'list',
  use: {
    ...devices['Desktop Chrome'],
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromiumLaunchOptions,
  },
})
