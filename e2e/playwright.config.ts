import { defineConfig } from '@playwright/test'
import { E2E } from './fixtures/ports.ts'
import { chromiumLaunchOptions } from './fixtures/chromium.ts'
import { browserProjects } from './fixtures/projects.ts'

/**
 * The e2e suite runs against the production build (`pnpm build` first), the way a user runs it.
 * Debian's Chromium stands in for Playwright's own download, which cannot reach the network here.
 */
export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  // One worker: the suite restarts servers and cuts connections, and this machine has two cores.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL: E2E.webUrl,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromiumLaunchOptions,
  },
  projects: [
    ...browserProjects({ retries: process.env.CI ? 1 : 0 }),
    // The suite's pure helpers, tested beside them (fixtures/*.test.ts): no browser, no server.
    { name: 'unit', testDir: './fixtures', testMatch: '*.test.ts' },
  ],
  webServer: [
    {
      command: 'pnpm --filter @duplex/web start',
      url: `${E2E.webUrl}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: E2E.webEnv,
    },
  ],
})
