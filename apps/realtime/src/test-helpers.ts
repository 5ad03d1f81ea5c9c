import { DEFAULT_KEY_PREFIX } from '@duplex/cluster'
import type { SessionUser } from '@duplex/protocol/session'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  testServices,
  createTestRedisPrefix,
  createTestSchema,
  type TestRedisPrefix,
  type TestSchema,
} from '@duplex/testing/services'
import { sessionToken, TEST_SESSION_SECRET } from '@duplex/testing/session'
import { silentLogger } from './shared/log.ts'
import { createRealtimeServer, type RealtimeServer, type RealtimeServerOptions } from './server.ts'
import { SQLITE_FILE, type DatabaseOptions } from './shared/storage/database.ts'

// Shared by the integration tests: a real server on a free port over a temp data folder, in
// single mode or, with `mode: 'cluster'`, over a fresh PostgreSQL schema and Redis prefix.

export type TestMode = 'single' | 'cluster'

/**
 * The modes an integration suite runs in: single always, cluster when PostgreSQL and Redis are
 * reachable (skipped, with the reason printed once, when they are not).
 *
 * @example
 * describe.each(await testModes())('chat ($mode)', ({ mode, skip }) => { … })
 */
export async function testModes(): Promise<{ mode: TestMode; skip: boolean }[]> {
  const services = await testServices()
  return [
    { mode: 'single', skip: false },
    { mode: 'cluster', skip: !services.ok },
  ]
}

/** Cluster resources by data folder, so a server restarted on the same folder sees the same data. */
const shared = new Map<string, { schema: TestSchema; redis: TestRedisPrefix; users: number }>()

export interface TestServer {
  port: number
  url: string
  dataDir: string
  /** Where this server keeps its data, for opening it from the test. */
  storageOptions: DatabaseOptions
  /** Cluster mode: the Redis and key prefix it uses, for writing where it reads (sign-outs). */
  redis?: { url: string; keyPrefix: string }
  server: RealtimeServer
  token(user: SessionUser, ttlSeconds?: number): Promise<string>
  /** Stops the server; the data folder stays until {@link TestServer.cleanup}. */
  stop(): Promise<void>
  cleanup(): Promise<void>
}

export async function makeDataDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'duplex-realtime-'))
}

export async function startTestServer(
  options: Partial<RealtimeServerOptions> & { dataDir?: string; mode?: TestMode } = {},
): Promise<TestServer> {
  const { mode = 'single', ...serverOptions } = options
  const dataDir = options.dataDir ?? (await makeDataDir())
  let storageOptions: DatabaseOptions = { kind: 'sqlite', file: path.join(dataDir, SQLITE_FILE) }
  let cluster: RealtimeServerOptions['cluster']
  if (mode === 'cluster') {
    const services = await testServices()
    if (!services.ok) throw new Error(`cluster mode needs ${services.reason}`)
    let resources = shared.get(dataDir)
    if (!resources) {
      resources = {
        schema: await createTestSchema(services.databaseUrl),
        redis: createTestRedisPrefix(services.redisUrl),
        users: 0,
      }
      shared.set(dataDir, resources)
    }
    resources.users++
    storageOptions = { kind: 'postgres', url: services.databaseUrl, schema: resources.schema.name }
    cluster = {
      databaseUrl: services.databaseUrl,
      databaseSchema: resources.schema.name,
      redisUrl: services.redisUrl,
      keyPrefix: resources.redis.prefix,
      instanceTimeoutMs: 2000,
    }
  }
  // A cluster the caller made (a private Redis or PostgreSQL) is where its data lives.
  if (serverOptions.cluster) {
    cluster = serverOptions.cluster
    storageOptions = {
      kind: 'postgres',
      url: cluster.databaseUrl,
      schema: cluster.databaseSchema,
    }
  }
  const server = createRealtimeServer({
    port: 0,
    host: '127.0.0.1',
    sessionSecret: TEST_SESSION_SECRET,
    log: silentLogger,
    cluster,
    ...serverOptions,
    dataDir,
  })
  let cleaned: Promise<void> | undefined
  /** Stops the server; drops the schema and Redis keys once no server on this folder uses them. */
  async function release(): Promise<void> {
    await server.stop()
    const resources = shared.get(dataDir)
    if (resources && --resources.users === 0) {
      shared.delete(dataDir)
      await resources.schema.drop()
      await resources.redis.clean()
    }
  }
  async function cleanup(): Promise<void> {
    await release()
    if (!shared.has(dataDir)) await rm(dataDir, { recursive: true, force: true })
  }
  let port: number
  try {
    port = (await server.start()).port
  } catch (error) {
    await release()
    throw error
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    storageOptions,
    ...(cluster && {
      redis: { url: cluster.redisUrl, keyPrefix: cluster.keyPrefix ?? DEFAULT_KEY_PREFIX },
    }),
    server,
    token: (user, ttlSeconds) => sessionToken(user, { ttlSeconds }),
    stop: () => server.stop(),
    cleanup() {
      cleaned ??= cleanup()
      return cleaned
    },
  }
}
