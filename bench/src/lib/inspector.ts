import WebSocket from 'ws'

export interface HeapReading {
  heapUsed: number
  heapTotal: number
  rss: number
  external: number
}

/**
 * Reads a server's memory through its inspector (`--inspect=127.0.0.1:0`), after a full garbage
 * collection. No product code is involved, so the numbers are those of the unmodified server.
 */
export async function readHeap(inspectorUrl: string): Promise<HeapReading> {
  const ws = new WebSocket(inspectorUrl, { perMessageDeflate: false })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  let nextId = 1
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
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
        else resolve(message.result)
      }
      ws.on('message', onMessage)
      ws.send(JSON.stringify({ id, method, params }))
    })
  try {
    // Twice: the first pass can leave weak references and finalizers for the second.
    await call('HeapProfiler.collectGarbage')
    await call('HeapProfiler.collectGarbage')
    const result = (await call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })) as { result: { value: string } }
    return JSON.parse(result.result.value) as HeapReading
  } finally {
    ws.close()
  }
}

/** The inspector's WebSocket URL from the "Debugger listening on ws://…" line a server printed. */
export function inspectorUrlIn(output: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1]
}
