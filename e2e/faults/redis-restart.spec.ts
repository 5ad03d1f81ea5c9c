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

// Redis restarted empty, as docker-compose.yml and most hosts run it (nothing on disk), 6 s down.
// Redis holds only what can be rebuilt or may expire (docs/operations.md): nothing a user was
// promised may go with it.

test('Redis restarted empty: every promise kept, every request answered, readiness says why', async ({
  faults,
}) => {
  const world = await setUpWorld(faults)
  const health = watchHealth(world)
  const restarted = faults.redis.restart(6000)
  await act(world, 7000, 'redis-down')
  await restarted
  const backAt = Date.now()
  await act(world, 3000, 'redis-back')
  const samples = await health.stop()
  console.info(
    `every instance ready again ${readyAgainAfter(samples, backAt)} ms after the store came back`,
  )

  for (const name of ['realtime0', 'realtime1', 'web0', 'web1']) {
    expect(saidDown(samples, name, 'redis'), `${name} readiness named Redis`).toBe(true)
  }
  expectAlwaysLive(samples)
  await expectAllReady(world)
  await expectPromisesKept(world, 'redis-restart')
  await leaveWorld(world)
})
