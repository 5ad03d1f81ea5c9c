import { expect, test } from './fixtures/fault-cluster.ts'
import { probe, sessionStatus, signIn, signOut } from './fixtures/actors.ts'
import {
  converse,
  expectPromisesKept,
  leaveWorld,
  setUpWorld,
  watchHealth,
} from './fixtures/world.ts'

// Instance 1 (web and realtime) cut off from Redis for 5 s while instance 0 keeps it. Instance 1
// says it is not ready, keeps serving its own members, and catches up once the link is back.

test('one instance cut off from Redis: it says so, serves its own, and catches up', async ({
  faults,
}) => {
  const world = await setUpWorld(faults)
  const { cluster } = faults
  const health = watchHealth(world)
  faults.redisLink.partition()
  // Signed out on instance 0 during the partition: instance 1 must refuse the token anyway.
  const mallory = await signIn(cluster.web[0].url, 'Mallory')
  expect(await signOut(cluster.web[0].url, mallory)).toBeLessThan(300)
  await converse(world, 5000, 'cut-off')
  faults.redisLink.heal()
  await converse(world, 3000, 'joined')
  const samples = await health.stop()

  const during = (name: string, status: number) =>
    samples.some((s) => s.value[name]?.status === status)
  expect(during('realtime1', 503), 'realtime 1 unready while cut off').toBe(true)
  expect(during('web1', 503), 'web 1 unready while cut off').toBe(true)
  // Instance 0 kept Redis all along.
  for (const s of samples) {
    expect(s.value.realtime0?.status, 'realtime 0 stays ready').toBe(200)
    expect(s.value.web0?.status, 'web 0 stays ready').toBe(200)
  }
  await expect.poll(async () => (await probe(`${cluster.realtime[1].url}/readyz`)).status).toBe(200)
  expect(await sessionStatus(cluster.web[1].url, mallory)).toBe(401)

  await expectPromisesKept(world)
  await leaveWorld(world)
})
