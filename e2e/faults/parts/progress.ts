import { expect } from '@playwright/test'
import type { SignedIn } from '../fixtures/actors.ts'
import type { FaultPartSetUp } from '../fixtures/part.ts'

// Jobs through a fault: Ada's job that finished before it and one that runs across it must both
// stay hers and readable on every instance (never a 404), and the running one must end.

async function startJob(base: string, who: SignedIn, durationMs: number): Promise<string> {
  const response = await fetch(`${base}/api/jobs`, {
    method: 'POST',
    headers: { cookie: who.cookie, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'fault-test', durationMs }),
  })
  expect(response.status, await response.clone().text()).toBe(201)
  return ((await response.json()) as { id: string }).id
}

/** `GET /api/jobs/<id>` as `who`: the status code and, when 200, the job's status. */
async function readJob(base: string, who: SignedIn, id: string) {
  const response = await fetch(`${base}/api/jobs/${id}`, {
    headers: { cookie: who.cookie },
    signal: AbortSignal.timeout(5000),
  })
  if (response.status !== 200) return { code: response.status }
  return { code: 200, status: ((await response.json()) as { status: string }).status }
}

export const progressPart: FaultPartSetUp = async ({ faults, ada }) => {
  const [web0, web1] = faults.cluster.web
  const finished = await startJob(web0.url, ada, 500)
  await expect.poll(async () => (await readJob(web0.url, ada, finished)).status).toBe('done')
  const running = await startJob(web0.url, ada, 20_000)
  return {
    name: 'progress',
    async check() {
      for (const base of [web0.url, web1.url]) {
        expect(await readJob(base, ada, finished)).toEqual({ code: 200, status: 'done' })
        expect((await readJob(base, ada, running)).code).toBe(200)
      }
      await expect
        .poll(async () => (await readJob(web1.url, ada, running)).status, { timeout: 40_000 })
        .toMatch(/^(done|failed)$/)
      // The list agrees with the job itself.
      const list = await fetch(`${web1.url}/api/jobs`, { headers: { cookie: ada.cookie } })
      const ids = ((await list.json()) as { jobs: { id: string }[] }).jobs.map((job) => job.id)
      expect(ids).toEqual(expect.arrayContaining([finished, running]))
    },
    async close() {},
  }
}
