import { expect, test, type Page } from '@playwright/test'
import { DURABLE } from '../fixtures/projects.ts'
import { openUser } from '../fixtures/users.ts'

// "Break it" on job progress: each fault the panel offers, and the recovery the page reports.
test.describe.configure({ timeout: 90_000 })

/** Starts a job long enough to break a few times, and opens the page following it. */
async function followNewJob(page: Page) {
  const created = await page.request.post('/api/jobs', {
    data: { name: `faults-${Date.now()}`, durationMs: 12_000 },
  })
  expect(created.status()).toBe(201)
  const { id, name } = (await created.json()) as { id: string; name: string }
  await page.goto('/progress')
  const row = page.locator(`[data-job-id="${id}"]`)
  await expect(row.getByTestId('connection-status')).toHaveAttribute('data-status', 'open')
  const panel = page.getByTestId('fault-panel')
  await expect(panel.getByTestId('fault-job')).toHaveText(name)
  await expect(panel.getByTestId('fault-drop')).toBeEnabled()
  return { row, panel }
}

/** The job runs to the end on the page, and its bar never went backwards on the way. */
async function expectFinished(
  row: ReturnType<Page['locator']>,
  panel: ReturnType<Page['locator']>,
) {
  await expect(row).toHaveAttribute('data-status', 'done', { timeout: 30_000 })
  await expect(row.getByTestId('job-percent')).toHaveText('100%')
  await expect(panel.getByTestId('fault-regressions')).toHaveText('0')
}

for (const fault of ['drop', 'restart'] as const) {
  test(
    `${fault === 'drop' ? 'drop it now' : 'server restart'}: the job's stream reconnects with Last-Event-ID and the bar carries on`,
    { tag: DURABLE },
    async ({ browser }) => {
      const { page, context } = await openUser(browser, 'Ada')
      const { row, panel } = await followNewJob(page)

      await panel.getByTestId(`fault-${fault}`).click()
      const timeline = panel.getByTestId('fault-timeline')
      await expect(timeline).toContainText('The stream ended: EventSource is reconnecting')
      await expect(timeline).toContainText(/Connection #2 is open \(sent Last-Event-ID \d+\)/)
      await expect(panel.getByTestId('fault-regressions')).toHaveText('0')
      await expectFinished(row, panel)
      await expect(timeline).toContainText('The job ended (done)')
      await context.close()
    },
  )
}

test(
  'stall: the bar freezes on an open stream, then catches up in order',
  { tag: DURABLE },
  async ({ browser }) => {
    const { page, context } = await openUser(browser, 'Ada')
    const { row, panel } = await followNewJob(page)

    await panel.getByTestId('fault-stall').click()
    const timeline = panel.getByTestId('fault-timeline')
    await expect(timeline).toContainText('Asked the server to stop writing')
    await expect(timeline).toContainText('Events flow again after')
    await expect(panel.getByTestId('fault-connection')).toHaveText('#1')
    await expectFinished(row, panel)
    await context.close()
  },
)
