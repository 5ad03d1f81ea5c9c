import WebSocket from 'ws'

export interface HeapReading {
  heapUsed: number
  heapTotal: number
  rss: number
  external: number
  /** V8's code space: machine code the JIT compiled, part of `heapUsed`. */
  codeSpaceUsed: number
}

interface InspectorSession {
  call<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>
  close(): void
}

/** A Chrome DevTools Protocol session with a server started with `--inspect=127.0.0.1:0`. */
async function connect(inspectorUrl: string): Promise<InspectorSession> {
  const ws = new WebSocket(inspectorUrl, { perMessageDeflate: false, maxPayload: 1 << 30 })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  let nextId = 1
  return {
    call: <T>(method: string, params: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++
        const onMessage = (data: WebSocket.RawData) => {
          const message = JSON.parse(data.toString()) as {
            id?: number
            result?: unknown
            error?: { message: string }
          }
          if (message.id !== id) return
          ws.off('message', onMessage)
          if (message.error) reject(new Error(`${method}: ${message.error.message}`))
          else resolve(message.result as T)
        }
        ws.on('message', onMessage)
        ws.send(JSON.stringify({ id, method, params }))
      }),
    close: () => ws.close(),
  }
}

/**
 * Reads a server's memory through its inspector, after a full garbage collection. No product
 * code is involved, so the numbers are those of the unmodified server.
 */
export async function readHeap(inspectorUrl: string): Promise<HeapReading> {
  const session = await connect(inspectorUrl)
  try {
    // Twice: the first pass can leave weak references and finalizers for the second.
    await session.call('HeapProfiler.collectGarbage')
    await session.call('HeapProfiler.collectGarbage')
    const result = await session.call<{ result: { value: string } }>('Runtime.evaluate', {
      // getBuiltinModule, not require: the servers are ES modules.
      expression: `JSON.stringify({
        ...process.memoryUsage(),
        codeSpaceUsed: process.getBuiltinModule('v8').getHeapSpaceStatistics()
          .find((space) => space.space_name === 'code_space')?.space_used_size ?? 0,
      })`,
      returnByValue: true,
    })
    return JSON.parse(result.result.value) as HeapReading
  } finally {
    session.close()
  }
}

/** A V8 CPU profile, as `--cpu-prof` writes it (open the `.cpuprofile` in Chrome DevTools). */
export interface CpuProfile {
  nodes: {
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number }
    children?: number[]
  }[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

/** Samples the server's CPU while `fn` runs, through its inspector: the server is not restarted. */
export async function cpuProfile<T>(
  inspectorUrl: string,
  fn: () => Promise<T>,
): Promise<{ value: T; profile: CpuProfile }> {
  const session = await connect(inspectorUrl)
  try {
    await session.call('Profiler.enable')
    await session.call('Profiler.setSamplingInterval', { interval: 200 })
    await session.call('Profiler.start')
    const value = await fn()
    const { profile } = await session.call<{ profile: CpuProfile }>('Profiler.stop')
    return { value, profile }
  } finally {
    session.close()
  }
}

/** The inspector's WebSocket URL from the "Debugger listening on ws://…" line a server printed. */
export function inspectorUrlIn(output: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1]
}
