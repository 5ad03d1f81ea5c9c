import { expect, test } from './fixtures/fault-cluster.ts'
import {
  act,
  expectAllReady,
  expectAlwaysLive,
  expectPromisesKept,
  leaveWorld,
  readyAgainAfter,
  saidDown,
  setUpWorld,
  watchHealth,
} from './fixtures/world.ts'

// PostgreSQL stopped for 6 s, then started. What needs it is refused as `unavailable` with a retry
// hint (the pages retry), nothing acknowledged is lost, edits wait in memory.

test('PostgreSQL stopped and started: refused as unavailable meanwhile, nothing lost', async ({
  faults,
}) => {
  const world = await setUpWorld(faults)
  const health = watchHealth(world)
  await faults.postgres.stop()
  await act(world, 6000, 'pg-down')
  await faults.postgres.start()
  const backAt = Date.now()
  await act(world, 3000, 'pg-back')
  const samples = await health.stop()
  console.info(
    `every instance ready again ${readyAgainAfter(samples, backAt)} ms after the store came back`,
  )

  for (const name of ['realtime0', 'realtime1', 'web0', 'web1']) {
    expect(saidDown(samples, name, 'database'), `${name} readiness named the database`).toBe(true)
  }
  expectAlwaysLive(samples)
  await expectAllReady(world)
  await expectPromisesKept(world, 'postgres-stop')
  await leaveWorld(world)
})
