import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..')
const WEB_DIR = path.join(REPO_ROOT, 'apps/web')
const REALTIME_ENTRY = path.join(REPO_ROOT, 'apps/realtime/dist/index.js')

/** What must be built first (`pnpm build`), or an empty list. */
export function missingBuilds(): string[] {
  return [path.join(WEB_DIR, '.next/BUILD_ID'), REALTIME_ENTRY].filter((file) => !existsSync(file))
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

async function waitForHealth(url: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited during start-up`)
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`${what} did not answer ${url} within 90 s`)
}

export interface Servers {
  webUrl: string
  realtimeUrl: string
  stop(): Promise<void>
}

/**
 * The production build in single mode, as `pnpm start` runs it: `next start` and the realtime
 * server's bundle, on free ports, with a data folder of the run's own.
 */
export async function startServers(dataDir: string): Promise<Servers> {
  const [webPort, realtimePort] = [await freePort(), await freePort()]
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(webPort),
    REALTIME_PORT: String(realtimePort),
    DUPLEX_DATA_DIR: dataDir,
    NEXT_TELEMETRY_DISABLED: '1',
  }
  const realtime = spawn(process.execPath, [REALTIME_ENTRY], { env, stdio: 'ignore' })
  const web = spawn(
    process.execPath,
    [
      path.join(WEB_DIR, 'node_modules/next/dist/bin/next'),
      'start',
      '--port',
      String(webPort),
      '-H',
      '127.0.0.1',
    ],
    { cwd: WEB_DIR, env, stdio: 'ignore' },
  )
  const stop = async () => {
    for (const child of [web, realtime]) {
      if (child.exitCode !== null) continue
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
  const webUrl = `http://127.0.0.1:${webPort}`
  const realtimeUrl = `http://127.0.0.1:${realtimePort}`
  try {
    await waitForHealth(`${realtimeUrl}/healthz`, realtime, 'the realtime server')
    await waitForHealth(`${webUrl}/api/health`, web, 'the web app')
  } catch (error) {
    await stop()
    throw error
  }
  return { webUrl, realtimeUrl, stop }
}
