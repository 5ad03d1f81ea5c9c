import { expect, test } from './fixtures/fault-cluster.ts'
import { probe } from './fixtures/actors.ts'
import {
  converse,
  expectPromisesKept,
  leaveWorld,
  setUpWorld,
  watchHealth,
} from './fixtures/world.ts'

// PostgreSQL stopped for 6 s, then started. Sends are refused as `unavailable` with a retry hint
// (the page's outbox keeps them), nothing acknowledged is lost, edits wait in memory.

test('PostgreSQL stopped and started: sends refused as unavailable, then kept; nothing lost', async ({
  faults,
}) => {
  const world = await setUpWorld(faults)
  const health = watchHealth(world)
  await faults.postgres.stop()
  await converse(world, 6000, 'pg-down')
  await faults.postgres.start()
  await converse(world, 3000, 'pg-back')
  const samples = await health.stop()

  // The outage was told, not hidden: at least one send was refused as unavailable.
  expect(
    world.sends.some((s) => s.outcome.kind === 'refused' && s.outcome.code === 'unavailable'),
  ).toBe(true)
  for (const name of ['realtime0', 'realtime1']) {
    const down = samples.find((s) => {
      const p = s.value[name]
      return p && p.status === 503 && JSON.stringify(p.body).includes('database')
    })
    expect(down, `${name} readiness during the outage`).toBeDefined()
  }
  for (const s of samples) expect(s.value['live-realtime0']?.status).toBe(200)
  await expect
    .poll(async () => (await probe(`${faults.cluster.realtime[1].url}/readyz`)).status)
    .toBe(200)

  await expectPromisesKept(world)
  await leaveWorld(world)
})
