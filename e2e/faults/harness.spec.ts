import { expect, test } from './fixtures/fault-cluster.ts'

test('the fault cluster runs on its private stores', async ({ faults }) => {
  const { cluster, redis } = faults
  for (const i of [...cluster.web, ...cluster.realtime]) expect(i.running()).toBe(true)
  await redis.restart(1000)
  await expect
    .poll(async () => (await fetch(`${cluster.proxyUrl}/api/health`)).status, { timeout: 20_000 })
    .toBe(200)
})
