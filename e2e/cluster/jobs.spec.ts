import { DURABLE } from '../fixtures/projects.ts'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures/cluster.ts'
import { openUser, type ClusterUser } from './fixtures/users.ts'
import { freshName } from '@duplex/testing/names'
import { apiUserOf, signInApi, type ApiUser } from '../fixtures/http.ts'

// Jobs and streams belong to a user: the API calls here are signed in as one (a session from
// one instance is good on every instance: one secret, sign-outs in Redis).
let api: ApiUser
test.beforeEach(async ({ cluster }) => {
  api = await signInApi(freshName('api'), cluster.web[0].url)
})

interface Job {
  id: string
  name: string
  status: string
  percent: number
  reason: string | null
}

/** The API client of a browser user: their cookie, so what it creates is theirs on the page. */
async function actAs(user: ClusterUser): Promise<ApiUser> {
  const cookie = (await user.context.cookies()).find((c) => c.name === 'duplex_session')
  if (!cookie) throw new Error(`${user.name} has no session cookie`)
  return apiUserOf(user.name, decodeURIComponent(cookie.value))
}

async function createJob(baseUrl: string, body: Record<string, unknown>): Promise<Job> {
  const response = await api.fetch(`${baseUrl}/api/jobs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(201)
  return (await response.json()) as Job
}

async function getJob(baseUrl: string, id: string): Promise<Job> {
  return (await (await api.fetch(`${baseUrl}/api/jobs/${id}`)).json()) as Job
}

/**
 * Every value the job's bar showed, sampled as the page renders them. Stopping reads the bar once
 * more: on a busy machine a sample takes longer than the last step of a job, and the value the
 * page shows when the caller stops (say, once the job says Done) must be the last one recorded.
 */
function recordPercents(page: Page, name: string): () => Promise<number[]> {
  const seen: number[] = []
  const bar = page.locator('[data-testid="job"]', { hasText: name }).getByRole('progressbar')
  const sample = async () => {
    const value = await bar.getAttribute('aria-valuenow', { timeout: 1000 }).catch(() => null)
    if (value !== null && Number(value) !== seen.at(-1)) seen.push(Number(value))
  }
  let stopped = false
  const sampling = (async () => {
    while (!stopped) {
      await sample()
      await new Promise((r) => setTimeout(r, 50))
    }
  })()
  return async () => {
    stopped = true
    await sampling
    await sample()
    return seen
  }
}

test('a job started on one instance streams, lists and cancels from the other', async ({
  cluster,
  browser,
}) => {
  const [one, two] = cluster.web
  // The page lives on the other instance (pinned), so its stream does too. Jobs are their
  // creator's: the API calls below act as the page's user.
  const user = await openUser(browser, 'Ada', cluster.pinned[1])
  api = await actAs(user)
  const job = await createJob(one.url, { name: 'Cross-instance render', durationMs: 20_000 })
  const listed = (await (await api.fetch(`${two.url}/api/jobs`)).json()) as { jobs: Job[] }
  expect(listed.jobs.map((j) => j.id)).toContain(job.id)

  await user.page.goto('/progress')
  const row = user.page.locator('[data-testid="job"]', { hasText: job.name })
  await expect(row.getByTestId('job-status')).toHaveText('Running')
  await expect
    .poll(async () => Number(await row.getByRole('progressbar').getAttribute('aria-valuenow')))
    .toBeGreaterThan(5)

  await row.getByRole('button', { name: `Cancel ${job.name}` }).click()
  await expect(row.getByTestId('job-status')).toHaveText('Cancelled')
  const ended = await getJob(one.url, job.id)
  expect(ended.status).toBe('cancelled')
  // The runner (instance one) stopped: the state does not move any more.
  await new Promise((r) => setTimeout(r, 1500))
  expect((await getJob(two.url, job.id)).percent).toBe(ended.percent)
  await user.context.close()
})

test(
  'killing a web instance mid-stream: its jobs fail with the reason, the others keep their true progress',
  { tag: DURABLE },
  async ({ cluster, browser }) => {
    const victim = 0
    const survivor = cluster.web[1]
    const user = await openUser(browser, 'Grace', cluster.pinned[victim])
    api = await actAs(user)
    // Runs on the survivor, watched through the victim: the watcher must fail over, not the job.
    const kept = await createJob(survivor.url, { name: 'Survivor job', durationMs: 12_000 })
    // Runs on the victim: when it dies, the job must end as failed, not stay at some percent.
    const orphan = await createJob(cluster.web[victim].url, {
      name: 'Orphan job',
      durationMs: 60_000,
    })

    await user.page.goto('/progress')
    const keptRow = user.page.locator('[data-testid="job"]', { hasText: kept.name })
    const orphanRow = user.page.locator('[data-testid="job"]', { hasText: orphan.name })
    await expect
      .poll(async () =>
        Number(await keptRow.getByRole('progressbar').getAttribute('aria-valuenow')),
      )
      .toBeGreaterThan(10)
    const percents = recordPercents(user.page, kept.name)

    await cluster.web[victim].kill('SIGKILL')

    await expect(keptRow.getByTestId('job-status')).toHaveText('Done', { timeout: 40_000 })
    const shown = await percents()
    expect(shown.at(-1)).toBe(100)
    shown.forEach(
      (p, i) =>
        i > 0 && expect(p, 'the bar never goes back').toBeGreaterThanOrEqual(shown[i - 1] ?? 0),
    )

    // Another instance notices the missing heartbeat and ends the orphan, with the reason.
    await expect(orphanRow.getByTestId('job-status')).toHaveText('Failed', { timeout: 20_000 })
    const failed = await getJob(survivor.url, orphan.id)
    expect(failed.status).toBe('failed')
    expect(failed.reason).toMatch(/stopped before it finished/)
    expect(failed.reason).toContain(`${failed.percent}%`)
    expect(failed.percent).toBeLessThan(100)
    await user.context.close()
  },
)
