import { DURABLE } from '../fixtures/projects.ts'
import { expect, test, type Page } from '@playwright/test'
import { freshName } from '@duplex/testing/names'
import { signInPage } from '../fixtures/users.ts'

// The page's streams and jobs belong to a user: each test signs its browser context in first.
test.beforeEach(async ({ page }) => {
  await signInPage(page, freshName('progress'))
})

function eventRequests(page: Page): string[] {
  const urls: string[] = []
  page.on('request', (r) => {
    if (/\/api\/jobs\/[^/]+\/events/.test(r.url())) urls.push(r.url())
  })
  return urls
}

/**
 * Starts a job named `name` plus a unique suffix (jobs outlive a test: a retry or a repeat on the
 * same server still lists the earlier ones) and returns its card.
 */
async function startJob(page: Page, name: string, seconds: number) {
  const unique = freshName(name)
  await page.getByLabel('Job name').fill(unique)
  await page.getByLabel(/Duration/).fill(String(seconds))
  await page.getByRole('button', { name: 'Start job' }).click()
  return page.locator('[data-testid="job"]', { hasText: unique })
}

test('a job runs to 100% and done, and its stream does not reconnect afterwards', async ({
  page,
}) => {
  const requests = eventRequests(page)
  await page.goto('/progress')
  const job = await startJob(page, 'Short render', 2)
  await expect(job.getByTestId('job-status')).toHaveText('Done', { timeout: 20_000 })
  await expect(job.getByTestId('job-percent')).toHaveText('100%')
  await expect(job.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100')
  const afterDone = requests.length
  expect(afterDone).toBe(1)
  await page.waitForTimeout(2000) // a reconnect loop would show up here (retry is 300 ms)
  expect(requests.length).toBe(afterDone)
})

test('several jobs run at once, each with its own bar', async ({ page }) => {
  await page.goto('/progress')
  const jobs = [
    await startJob(page, 'Alpha', 6),
    await startJob(page, 'Beta', 6),
    await startJob(page, 'Gamma', 6),
  ]
  for (const job of jobs) {
    await expect
      .poll(async () => Number(await job.getByRole('progressbar').getAttribute('aria-valuenow')))
      .toBeGreaterThan(10)
  }
  for (const job of jobs)
    await expect(job.getByTestId('job-status')).toHaveText('Done', { timeout: 30_000 })
})

test('cancel stops a job where it is', async ({ page }) => {
  const requests = eventRequests(page)
  await page.goto('/progress')
  const job = await startJob(page, 'Long upload', 30)
  await expect
    .poll(async () => Number(await job.getByRole('progressbar').getAttribute('aria-valuenow')))
    .toBeGreaterThan(3)
  await job.getByRole('button', { name: /^Cancel Long upload-/ }).click()
  await expect(job.getByTestId('job-status')).toHaveText('Cancelled')
  const percent = Number(await job.getByRole('progressbar').getAttribute('aria-valuenow'))
  expect(percent).toBeGreaterThan(0)
  expect(percent).toBeLessThan(100)
  const count = requests.length
  await page.waitForTimeout(1500)
  expect(requests.length).toBe(count)
  await expect(job.getByRole('progressbar')).toHaveAttribute('aria-valuenow', String(percent))
})

test('a failing job ends as failed with its reason', async ({ page }) => {
  await page.goto('/progress')
  await page.getByLabel('Make it fail').check()
  const job = await startJob(page, 'Doomed export', 2)
  await expect(job.getByTestId('job-status')).toHaveText('Failed', { timeout: 20_000 })
  await expect(job.getByTestId('job-message')).toContainText('simulated')
})

test(
  'reloading mid-job shows the true progress and resumes the live bar',
  { tag: DURABLE },
  async ({ page }) => {
    await page.goto('/progress')
    const job = await startJob(page, 'Reload me', 10)
    const bar = job.getByRole('progressbar')
    await expect
      .poll(async () => Number(await bar.getAttribute('aria-valuenow')))
      .toBeGreaterThan(15)
    const before = Number(await bar.getAttribute('aria-valuenow'))
    await page.reload()
    // Locators are queries, not elements: the same one finds the job's card on the reloaded page.
    const reloaded = job
    await expect(reloaded.getByTestId('job-status')).toHaveText('Running')
    await expect
      .poll(async () =>
        Number(await reloaded.getByRole('progressbar').getAttribute('aria-valuenow')),
      )
      .toBeGreaterThanOrEqual(before)
    await expect(reloaded.getByTestId('job-status')).toHaveText('Done', { timeout: 30_000 })
  },
)

test('the browser’s own EventSource stops on a finished job after one 204', async ({ page }) => {
  await page.goto('/progress')
  const job = await (await page.request.post('/api/jobs', { data: { durationMs: 600 } })).json()
  await expect
    .poll(async () => (await (await page.request.get(`/api/jobs/${job.id}`)).json()).status)
    .toBe('done')

  // The board on the page follows the user's jobs too (this one is theirs): a query parameter the
  // server ignores tells this EventSource's requests from the board's.
  const statuses: number[] = []
  page.on('response', (r) => {
    if (r.url().endsWith(`/api/jobs/${job.id}/events?probe`)) statuses.push(r.status())
  })
  const result = await page.evaluate(async (id) => {
    const es = new EventSource(`/api/jobs/${id}/events?probe`)
    const seen: string[] = []
    es.addEventListener('done', () => seen.push('done'))
    for (let i = 0; i < 100 && es.readyState !== EventSource.CLOSED; i++)
      await new Promise((r) => setTimeout(r, 50))
    await new Promise((r) => setTimeout(r, 1500))
    const state = es.readyState
    es.close()
    return { seen, state }
  }, job.id)
  expect(result.seen).toEqual(['done'])
  expect(result.state).toBe(2) // CLOSED: the 204 ended it
  expect(statuses).toEqual([200, 204])
})

test('on a phone a job’s name is not cut by its buttons', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto('/progress')
  const job = await startJob(page, 'Resize photos', 20)
  const title = job.getByRole('heading', { level: 2 })
  await expect(job.getByRole('button', { name: /^Cancel/ })).toBeVisible()
  // The whole name fits its line: the buttons sit under it, not beside it.
  const { scrollWidth, clientWidth } = await title.evaluate((el) => ({
    scrollWidth: el.scrollWidth,
    clientWidth: el.clientWidth,
  }))
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth)
  await job.getByRole('button', { name: /^Cancel/ }).click()
  await expect(job.getByTestId('job-status')).toHaveText('Cancelled')
})
