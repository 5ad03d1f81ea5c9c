import { createSessionToken } from '@duplex/auth'
import type { SessionUser } from '@duplex/protocol/session'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { silentLogger } from './log.ts'
import { createRealtimeServer, type RealtimeServer, type RealtimeServerOptions } from './server.ts'

// Shared by the integration tests: a real server on a free port over a temp data folder.

export const TEST_SECRET = 'integration-test-secret-with-enough-length'

export interface TestServer {
  port: number
  url: string
  dataDir: string
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
  options: Partial<RealtimeServerOptions> & { dataDir?: string } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await makeDataDir())
  const server = createRealtimeServer({
    port: 0,
    host: '127.0.0.1',
    sessionSecret: TEST_SECRET,
    log: silentLogger,
    ...options,
    dataDir,
  })
  const { port } = await server.start()
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    server,
    async token(user, ttlSeconds = 3600) {
      return (await createSessionToken(user, TEST_SECRET, { ttlSeconds })).token
    },
    stop: () => server.stop(),
    async cleanup() {
      await server.stop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** Polls until `check` returns true, failing with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
