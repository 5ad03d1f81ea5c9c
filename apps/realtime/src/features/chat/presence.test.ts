import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testServices, createTestRedisPrefix, type TestRedisPrefix } from '@duplex/testing/services'
import { instancesKey } from '../../shared/cluster/instances.ts'
import { createPresence, type Departure, type Presence } from './presence.ts'
import { createRedisPresence, type RedisPresence } from './redis-presence.ts'

const ada = { id: 'u_ada', name: 'Ada' }
const bob = { id: 'u_bob', name: 'Bob' }

const services = await testServices()
const redis = services.ok ? new Redis(services.redisUrl) : undefined
// Presence answers from memory until its connection is ready (as during an outage); the server
// only starts once connected, and so do these tests.
await redis?.ping()
let prefix: TestRedisPrefix | undefined

afterAll(() => redis?.disconnect())

/** Presence as one instance sees it: in memory, or in Redis under this test's prefix. */
function presenceOf(
  kind: 'memory' | 'redis',
  instanceId = 'instance-a',
): Presence & {
  sweep?: RedisPresence['sweep']
} {
  if (kind === 'memory') return createPresence()
  if (!redis || !prefix) throw new Error('Redis is not available')
  return createRedisPresence({ redis, keyPrefix: prefix.prefix, instanceId })
}

describe.each([
  { kind: 'memory' as const, skip: false },
  { kind: 'redis' as const, skip: !services.ok },
])('$kind presence', ({ kind, skip }) => {
  beforeEach((context) => {
    if (skip) return context.skip()
    if (kind === 'redis') prefix = createTestRedisPrefix(services.redisUrl)
  })

  afterEach(async () => {
    await prefix?.clean()
    prefix = undefined
  })

  it('lists a user with two tabs once, and keeps them until the last tab leaves', async () => {
    const presence = presenceOf(kind)
    expect((await presence.join('general', ada, 's1')).changed).toBe(true)
    expect((await presence.join('general', ada, 's2')).changed).toBe(false)
    expect((await presence.join('general', bob, 's3')).changed).toBe(true)
    expect(await presence.members('general')).toEqual([
      { userId: 'u_ada', userName: 'Ada' },
      { userId: 'u_bob', userName: 'Bob' },
    ])
    expect((await presence.leave('general', ada.id, 's1')).changed).toBe(false)
    expect(await presence.count('general')).toBe(2)
    expect((await presence.leave('general', ada.id, 's2')).changed).toBe(true)
    expect(await presence.members('general')).toEqual([{ userId: 'u_bob', userName: 'Bob' }])
  })

  it('removes a crashed socket from every room it was in', async () => {
    const presence = presenceOf(kind)
    await presence.join('general', ada, 's1')
    await presence.join('random', ada, 's1')
    await presence.join('random', ada, 's2')
    expect(await presence.leaveAll('s1')).toEqual([{ roomId: 'general', user: ada }])
    expect(await presence.members('general')).toEqual([])
    expect(await presence.members('random')).toEqual([{ userId: 'u_ada', userName: 'Ada' }])
    expect(presence.has('random', 's1')).toBe(false)
    expect(presence.has('random', 's2')).toBe(true)
  })

  it('keeps track of a socket going from one room to several and back', async () => {
    const presence = presenceOf(kind)
    await presence.join('general', ada, 's1')
    await presence.join('random', ada, 's1')
    await presence.join('news', ada, 's1')
    expect(['general', 'random', 'news'].map((room) => presence.has(room, 's1'))).toEqual([
      true,
      true,
      true,
    ])
    expect((await presence.leave('random', ada.id, 's1')).changed).toBe(true)
    expect((await presence.leave('general', ada.id, 's1')).changed).toBe(true)
    expect(presence.has('general', 's1')).toBe(false)
    expect(presence.has('news', 's1')).toBe(true)
    await presence.join('general', ada, 's1')
    expect(presence.has('general', 's1')).toBe(true)
    expect(await presence.leaveAll('s1')).toEqual([
      { roomId: 'news', user: ada },
      { roomId: 'general', user: ada },
    ])
    expect(presence.has('news', 's1')).toBe(false)
    expect(await presence.count('general')).toBe(0)
  })

  it('forgets a socket whose one room it left, and can take it back', async () => {
    const presence = presenceOf(kind)
    await presence.join('general', ada, 's1')
    expect((await presence.leave('general', ada.id, 's1')).changed).toBe(true)
    expect(presence.has('general', 's1')).toBe(false)
    expect(await presence.leaveAll('s1')).toEqual([])
    await presence.join('random', ada, 's1')
    expect(presence.has('random', 's1')).toBe(true)
    expect(presence.has('general', 's1')).toBe(false)
  })

  it('ignores leaving a room one was never in', async () => {
    const presence = presenceOf(kind)
    await presence.join('general', ada, 's1')
    expect((await presence.leave('general', ada.id, 's9')).changed).toBe(false)
    expect((await presence.leave('nowhere', ada.id, 's1')).changed).toBe(false)
    expect(await presence.count('general')).toBe(1)
  })

  it('does not count a socket twice when it joins the same room again', async () => {
    const presence = presenceOf(kind)
    await presence.join('general', ada, 's1')
    await presence.join('general', ada, 's1')
    expect((await presence.leave('general', ada.id, 's1')).changed).toBe(true)
  })

  it('shows the name of the newest tab', async () => {
    const presence = presenceOf(kind)
    await presence.join('general', ada, 's1')
    await presence.join('general', { id: ada.id, name: 'Ada L.' }, 's2')
    expect(await presence.members('general')).toEqual([{ userId: 'u_ada', userName: 'Ada L.' }])
  })
})

describe('presence shared by two instances through Redis', () => {
  beforeEach((context) => {
    if (!services.ok) return context.skip()
    prefix = createTestRedisPrefix(services.redisUrl)
  })

  afterEach(async () => {
    await prefix?.clean()
    prefix = undefined
  })

  it('counts a user once across instances and announces them gone only with their last socket', async () => {
    const a = presenceOf('redis', 'instance-a')
    const b = presenceOf('redis', 'instance-b')
    expect((await a.join('general', ada, 'sa')).changed).toBe(true)
    expect((await b.join('general', ada, 'sb')).changed).toBe(false)
    expect((await b.join('general', bob, 'sc')).changed).toBe(true)
    expect(await a.members('general')).toEqual(await b.members('general'))
    expect(b.has('general', 'sa')).toBe(false)
    expect(await a.leaveAll('sa')).toEqual([])
    expect(await b.leaveAll('sb')).toEqual([{ roomId: 'general', user: ada }])
    expect(await a.members('general')).toEqual([{ userId: 'u_bob', userName: 'Bob' }])
  })

  it('sweeps a dead instance once, announcing who left, and spares sockets another instance took over', async () => {
    const a = presenceOf('redis', 'instance-a')
    const b = presenceOf('redis', 'instance-b')
    const c = presenceOf('redis', 'instance-c')
    await redis?.zadd(instancesKey(prefix?.prefix ?? ''), 0, 'instance-a')
    await a.join('general', ada, 'sa')
    await a.join('general', bob, 'sb')
    // Bob's socket was recovered on B (same socket id) before A was found dead.
    await b.join('general', bob, 'sb')
    const heard: Departure[] = []
    b.onExternalChange(({ left }) => heard.push(...left))
    const [first, second] = await Promise.all([b.sweep?.('instance-a'), c.sweep?.('instance-a')])
    expect([first, second]).toContainEqual([{ roomId: 'general', user: ada }])
    expect([first, second]).toContainEqual([])
    expect(await b.members('general')).toEqual([{ userId: 'u_bob', userName: 'Bob' }])
    // A late leave from the dead instance cannot remove what B now holds.
    expect(await a.leaveAll('sb')).toEqual([])
    expect(await b.count('general')).toBe(1)
    // Only the winner of the sweep tells its chat to announce the departure.
    expect(heard).toEqual(first?.length === 1 ? [{ roomId: 'general', user: ada }] : [])
  })
})

describe.skipIf(!services.ok)('redis presence while Redis is away', () => {
  beforeEach(() => {
    prefix = createTestRedisPrefix(services.redisUrl)
  })

  afterEach(async () => {
    await prefix?.clean()
    prefix = undefined
  })

  it('answers from its own sockets at once, then writes the truth back on resync', async () => {
    if (!services.ok || !redis || !prefix) throw new Error('Redis is not available')
    // A connection of its own, closed and reopened to play the outage.
    const own = new Redis(services.redisUrl)
    own.on('error', () => undefined)
    await own.ping()
    try {
      const a = createRedisPresence({ redis: own, keyPrefix: prefix.prefix, instanceId: 'i-a' })
      const b = createRedisPresence({ redis, keyPrefix: prefix.prefix, instanceId: 'i-b' })
      await a.join('general', ada, 'sa')
      await b.join('general', { id: 'u_cy', name: 'Cy' }, 'sc')
      const heard: { joined: Departure[]; left: Departure[] }[] = []
      a.onExternalChange((change) => heard.push(change))

      own.disconnect()
      const started = Date.now()
      expect(await a.join('general', bob, 'sb')).toEqual({ changed: true })
      expect(await a.leave('general', ada.id, 'sa')).toEqual({ changed: true })
      expect(await a.members('general')).toEqual([{ userId: 'u_bob', userName: 'Bob' }])
      expect(await a.count('general')).toBe(1)
      expect(Date.now() - started).toBeLessThan(1000)
      // Redis still has Ada (her leave never reached it) and no Bob.
      expect((await b.members('general')).map((m) => m.userName)).toEqual(['Ada', 'Cy'])

      await own.connect()
      await a.resync()
      expect((await b.members('general')).map((m) => m.userName)).toEqual(['Cy', 'Bob'])
      expect(heard).toEqual([
        { joined: [{ roomId: 'general', user: bob }], left: [{ roomId: 'general', user: ada }] },
      ])
    } finally {
      own.disconnect()
    }
  })
})
