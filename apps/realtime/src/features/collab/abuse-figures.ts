import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { abuseTarget } from '../../shared/abuse-target.ts'

// The figures of issue 11's Yjs findings, against a running realtime server on loopback, bounded in
// count: `SESSION_SECRET=… tsx src/features/collab/abuse-figures.ts <port> <pid> <slowReader|malformed>`.
// It reports what a client saw and the server's RSS (from /proc/<pid>), for any build.

const { port, scenario, base, rssMb, token } = abuseTarget()

async function yjsSocket(doc: string, name: string): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/yjs/${doc}?token=${await token(name)}`)
  socket.on('error', () => undefined)
  await new Promise((resolve) => socket.once('open', resolve))
  return socket
}

async function slowReader(): Promise<void> {
  const reader = await yjsSocket('slow', 'Sleeper')
  let closeCode = 0
  reader.on('close', (code) => (closeCode = code))
  // Stops reading: the kernel buffers fill, then the server's.
  ;(reader as unknown as { _socket: { pause(): void } })._socket.pause()
  const writer = await yjsSocket('slow', 'Typist')
  const before = rssMb()
  const doc = new Y.Doc()
  const text = doc.getText('content')
  let sent = 0
  doc.on('update', (update: Uint8Array) => {
    const frame = new Uint8Array(update.length + 8)
    // messageSync, update, varUint length: built by hand to keep this script small.
    const header = [0, 2]
    let n = update.length
    const length: number[] = []
    while (n > 0x7f) {
      length.push((n & 0x7f) | 0x80)
      n >>>= 7
    }
    length.push(n)
    frame.set([...header, ...length])
    frame.set(update, header.length + length.length)
    writer.send(frame.subarray(0, header.length + length.length + update.length))
    sent += update.length
  })
  for (let i = 0; i < 250; i++) {
    text.insert(text.length, 's'.repeat(100_000))
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  await new Promise((resolve) => setTimeout(resolve, 3000))
  const health = (await (await fetch(`${base}/healthz`)).json()) as {
    connections: { yjs: number }
  }
  console.info(
    `slow Yjs reader: ${Math.round(sent / 1e6)} MB relayed; RSS ${before} -> ${rssMb()} MB; ` +
      `Yjs connections the server holds: ${health.connections.yjs} (reader + writer = 2); ` +
      `close code the reader saw: ${closeCode || 'none yet (it is not reading)'}`,
  )
  reader.terminate()
  writer.terminate()
}

async function malformed(): Promise<void> {
  const socket = await yjsSocket('broken', 'Garbler')
  let closeCode = 0
  socket.on('close', (code) => (closeCode = code))
  // 1,000 frames of 40 bytes: a sync update whose "update" is garbage.
  const frame = Uint8Array.from([0, 2, 37, ...Array.from({ length: 37 }, () => 255)])
  for (let i = 0; i < 1000; i++) socket.send(frame)
  await new Promise((resolve) => setTimeout(resolve, 2000))
  console.info(
    `malformed: 1000 frames of 40 bytes on one connection; close code ${closeCode || 'none (still open)'}`,
  )
  socket.terminate()
}

const scenarios: Record<string, () => Promise<void>> = { slowReader, malformed }
const run = scenarios[scenario ?? '']
if (!run) throw new Error(`scenario: one of ${Object.keys(scenarios).join(', ')}`)
await run()
process.exit(0)
