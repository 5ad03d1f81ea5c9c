import { expect, test } from '@playwright/test'
import { freshName } from '@duplex/testing/names'
import { openSse } from '@duplex/testing/sse'
import { SLOW, json, signInApi } from '../fixtures/http.ts'
import { E2E } from '../fixtures/ports.ts'
import { openUser } from '../fixtures/users.ts'

const base = E2E.webUrl

test('a second user can neither see nor cancel the first user’s jobs', async ({ browser }) => {
  const ada = await openUser(browser, freshName('Ada'))
  const bob = await openUser(browser, freshName('Bob'))
  try {
    await ada.page.goto('/progress')
    const name = freshName('Ada render')
    await ada.page.getByLabel('Job name').fill(name)
    await ada.page.getByLabel(/Duration/).fill('30')
    await ada.page.getByRole('button', { name: 'Start job' }).click()
    const row = ada.page.locator('[data-testid="job"]', { hasText: name })
    await expect(row.getByTestId('job-status')).toHaveText('Running')
    const job = (
      (await (await ada.context.request.get('/api/jobs')).json()) as {
        jobs: { id: string; name: string }[]
      }
    ).jobs.find((j) => j.name === name)
    expect(job).toBeDefined()
    const id = job?.id ?? ''

    // Bob's page and Bob's API calls do not show the job, and cannot touch it.
    await bob.page.goto('/progress')
    await expect(bob.page.getByRole('button', { name: 'Start job' })).toBeVisible()
    await expect(bob.page.locator('[data-testid="job"]', { hasText: name })).toHaveCount(0)
    const list = (await (await bob.context.request.get('/api/jobs')).json()) as {
      jobs: { id: string }[]
    }
    expect(list.jobs.map((j) => j.id)).not.toContain(id)
    for (const response of [
      await bob.context.request.get(`/api/jobs/${id}`),
      await bob.context.request.delete(`/api/jobs/${id}`),
      await bob.context.request.get(`/api/jobs/${id}/events`),
    ]) {
      expect(response.status()).toBe(404)
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found')
    }

    // Ada's job ran on untouched, and she can still cancel it.
    await expect
      .poll(async () => Number(await row.getByRole('progressbar').getAttribute('aria-valuenow')))
      .toBeGreaterThan(0)
    await expect(row.getByTestId('job-status')).toHaveText('Running')
    await row.getByRole('button', { name: `Cancel ${name}` }).click()
    await expect(row.getByTestId('job-status')).toHaveText('Cancelled')
  } finally {
    await ada.context.close()
    await bob.context.close()
  }
})

test('jobs need a session: 401 JSON without one, a stream with ?token= for clients without cookies', async () => {
  for (const response of [
    await fetch(`${base}/api/jobs`),
    await fetch(`${base}/api/jobs`, json({ durationMs: 600 })),
    await fetch(`${base}/api/jobs/job_x/events`),
  ]) {
    expect(response.status).toBe(401)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
  }
  const api = await signInApi(freshName('token'))
  const job = (await (await api.fetch(`${base}/api/jobs`, json({ durationMs: 600 }))).json()) as {
    id: string
  }
  const sse = await openSse(
    `${base}/api/jobs/${job.id}/events?token=${encodeURIComponent(api.token)}`,
    {},
    SLOW,
  )
  await sse.done
  expect(sse.events.at(-1)?.event).toBe('done')
})

test('running jobs per user are bounded: a 429 with Retry-After, and the running ones are kept', async () => {
  const api = await signInApi(freshName('greedy'))
  const started: string[] = []
  let refused: Response | undefined
  for (let i = 0; i < 10 && !refused; i++) {
    const response = await api.fetch(`${base}/api/jobs`, json({ durationMs: 30_000 }))
    if (response.status === 201) started.push(((await response.json()) as { id: string }).id)
    else refused = response
  }
  expect(refused?.status).toBe(429)
  expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0)
  expect(((await refused?.json()) as { error: { code: string } }).error.code).toBe('rate_limited')
  // Others are not held back, the server still answers, and every accepted job still runs.
  const other = await signInApi(freshName('polite'))
  expect((await other.fetch(`${base}/api/jobs`, json({ durationMs: 600 }))).status).toBe(201)
  expect((await fetch(`${base}/api/health`)).status).toBe(200)
  const mine = (await (await api.fetch(`${base}/api/jobs`)).json()) as {
    jobs: { id: string; status: string }[]
  }
  for (const id of started) expect(mine.jobs.find((j) => j.id === id)?.status).toBe('running')
  for (const id of started) await api.fetch(`${base}/api/jobs/${id}`, { method: 'DELETE' })
})
