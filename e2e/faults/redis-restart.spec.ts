import { expect, test } from './fixtures/fault-cluster.ts'
import { probe } from './fixtures/actors.ts'
import {
  converse,
  expectPromisesKept,
  leaveWorld,
  setUpWorld,
  tickIds,
  watchHealth,
} from './fixtures/world.ts'
import { openSse } from '@duplex/testing/sse'

// Redis restarted empty, as docker-compose.yml and most hosts run it (nothing on disk), 6 s down.
// Redis holds only what can be rebuilt or may expire (docs/operations.md): nothing a user was
// promised may go with it.

test('Redis restarted empty: every promise kept, every send answered, readiness says why', async ({
  faults,
}) => {
  const world = await setUpWorld(faults)
  const health = watchHealth(world)
  const restarted = faults.redis.restart(6000)
  await converse(world, 7000, 'redis-down')
  await restarted
  await converse(world, 3000, 'redis-back')
  const samples = await health.stop()

  // Readiness named Redis while it was away, and liveness never failed.
  for (const name of ['realtime0', 'realtime1', 'web0', 'web1']) {
    const down = samples.find((s) => {
      const p = s.value[name]
      return p && p.status === 503 && JSON.stringify(p.body).includes('redis')
    })
    expect(down, `${name} readiness during the outage`).toBeDefined()
  }
  for (const s of samples) {
    expect(s.value['live-realtime0']?.status).toBe(200)
    expect(s.value['live-web0']?.status).toBe(200)
  }
  await expect
    .poll(async () => (await probe(`${faults.cluster.realtime[0].url}/readyz`)).status)
    .toBe(200)
  await expect
    .poll(async () => (await probe(`${faults.cluster.web[1].url}/api/ready`)).status)
    .toBe(200)

  await expectPromisesKept(world)

  // A Last-Event-ID from before the restart resumes, or says it cannot (`reset: true`).
  const { lastIdBefore, symbols } = world.ticker
  const resumed = await openSse(
    `${faults.cluster.web[1].url}/api/ticker/stream?symbols=${symbols.join(',')}`,
    { headers: { cookie: world.ada.cookie, 'Last-Event-ID': String(lastIdBefore) } },
  )
  const first = await resumed.until((events) =>
    events.some((e) => e.event === 'tick' || e.event === 'snapshot'),
  )
  const answer = first.find((e) => e.event === 'tick' || e.event === 'snapshot')
  if (answer?.event === 'snapshot') expect(JSON.parse(answer.data)).toMatchObject({ reset: true })
  else expect(Number(answer?.id)).toBe(lastIdBefore + 1)
  expect(Math.min(...tickIds(resumed).filter((id) => id > 0))).toBeGreaterThan(lastIdBefore)
  await resumed.close()
  await leaveWorld(world)
})
