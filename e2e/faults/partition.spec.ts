import { expect, test } from './fixtures/fault-cluster.ts'
import { sessionStatus, signIn, signOut } from './fixtures/actors.ts'
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

// Instance 1 (web and realtime) cut off from Redis for 5 s while instance 0 keeps it. Instance 1
// says it is not ready, keeps serving its own users, and catches up once the link is back.

test('one instance cut off from Redis: it says so, serves its own, and catches up', async ({
  faults,
}) => {
  const world = await setUpWorld(faults)
  const { cluster } = faults
  const health = watchHealth(world)
  faults.redisLink.partition()
  // Signed out on instance 0 while instance 1 cannot hear about it through Redis.
  const mallory = await signIn(cluster.web[0].url, 'Mallory')
  expect(await signOut(cluster.web[0].url, mallory)).toBeLessThan(300)
  await act(world, 5000, 'cut-off')
  expect(await sessionStatus(cluster.web[1].url, mallory)).toBe(401)
  faults.redisLink.heal()
  const backAt = Date.now()
  await act(world, 3000, 'joined')
  const samples = await health.stop()
  console.info(
    `every instance ready again ${readyAgainAfter(samples, backAt)} ms after the store came back`,
  )

  expect(saidDown(samples, 'realtime1', 'redis'), 'realtime 1 unready while cut off').toBe(true)
  expect(saidDown(samples, 'web1', 'redis'), 'web 1 unready while cut off').toBe(true)
  for (const s of samples) {
    expect(s.value.realtime0?.status, 'realtime 0 kept Redis and stayed ready').toBe(200)
    expect(s.value.web0?.status, 'web 0 kept Redis and stayed ready').toBe(200)
  }
  expectAlwaysLive(samples)
  await expectAllReady(world)
  await expectPromisesKept(world, 'redis-partition')
  await leaveWorld(world)
})
