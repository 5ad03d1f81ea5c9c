import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { TEST_SESSION_SECRET } from '@duplex/testing/session'

// Tests only: realtime instances as separate processes (the Yjs server library keeps its
// documents in module globals, so one process can hold one instance), in cluster mode.

const APP_DIR = path.resolve(import.meta.dirname, '..')

export interface TestInstance {
  name: string
  port: number
  url: string
  child: ChildProcess
  /** Everything it printed, stdout and stderr. */
  output: string[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** SIGKILLs it if it still runs, and waits for it to be gone. */
  kill(): Promise<void>
}

export interface InstanceCluster {
  databaseUrl: string
  schema: string
  redisUrl: string
  keyPrefix: string
  dataDir: string
  /** `CLUSTER_INSTANCE_TIMEOUT_MS`. */
  instanceTimeoutMs?: number
}

/** The environment of an instance of `cluster`, plus `extra`. */
export function instanceEnv(
  cluster: InstanceCluster,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'DATABASE_SCHEMA', 'REDIS_KEY_PREFIX']) {
    delete env[name]
  }
  return {
    ...env,
    DATABASE_URL: cluster.databaseUrl,
    DATABASE_SCHEMA: cluster.schema,
    REDIS_URL: cluster.redisUrl,
    REDIS_KEY_PREFIX: cluster.keyPrefix,
    CLUSTER_INSTANCE_TIMEOUT_MS: String(cluster.instanceTimeoutMs ?? 1500),
    SESSION_SECRET: TEST_SESSION_SECRET,
    DUPLEX_DATA_DIR: cluster.dataDir,
    REALTIME_HOST: '127.0.0.1',
    REALTIME_PORT: '0',
    ...extra,
  }
}

/**
 * Starts `src/index.ts` with tsx (no build needed) and resolves once it listens.
 *
 * @example
 * const a = await startInstance('A', instanceEnv(cluster))
 * await a.kill()
 */
export async function startInstance(name: string, env: NodeJS.ProcessEnv): Promise<TestInstance> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: APP_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  }
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start:\n${output.join('')}`)),
        // Generous: tsx compiles on start, and a busy 2-core CI runner can take its time.
        120_000,
      )
      const onData = () => {
        const match = /listening on http:\/\/localhost:(\d+)/.exec(output.join(''))
        if (!match) return
        clearTimeout(timer)
        child.stdout?.off('data', onData)
        resolve(Number(match[1]))
      }
      child.stdout?.on('data', onData)
      void exited.then(({ code }) => {
        clearTimeout(timer)
        reject(new Error(`${name} exited with ${code} before listening:\n${output.join('')}`))
      })
    })
    return { name, port, url: `http://127.0.0.1:${port}`, child, output, exited, kill }
  } catch (error) {
    await kill()
    throw error
  }
}
