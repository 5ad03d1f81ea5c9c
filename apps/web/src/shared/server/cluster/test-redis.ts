import { randomBytes } from 'node:crypto'
import { freshPrefix } from '@duplex/testing/names'
import { deleteRedisKeys, TEST_REDIS_URL } from '@duplex/testing/services'
import { createRedisClients, type RedisClients } from './redis.ts'

// Only for tests: the real Redis of cluster mode (or a private one a test restarts), one key
// prefix per test, removed afterwards.

export interface TestCluster {
  prefix: string
  /** One more "instance": its own connections and instance id, same prefix. */
  instance(name: string): RedisClients
  /** Closes every instance's connections and deletes every key under the prefix. */
  cleanup(): Promise<void>
}

export function createTestCluster(url = TEST_REDIS_URL): TestCluster {
  const prefix = freshPrefix()
  const instances: RedisClients[] = []
  return {
    prefix,
    instance(name) {
      const clients = createRedisClients({
        url,
        prefix,
        instanceId: `${name}-${randomBytes(2).toString('hex')}`,
        log: () => {},
      })
      instances.push(clients)
      return clients
    },
    async cleanup() {
      await Promise.all(instances.map((i) => i.close()))
      await deleteRedisKeys(url, prefix)
    },
  }
}
