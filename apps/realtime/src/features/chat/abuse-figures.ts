import { io, type Socket } from 'socket.io-client'
import { abuseTarget } from '../../shared/abuse-target.ts'

// The figures of issue 11's chat findings, against a running realtime server on loopback, bounded
// in count: `SESSION_SECRET=… tsx src/features/chat/abuse-figures.ts <port> <pid> <rooms|replays>`.
// It reports what a client saw and the server's RSS (from /proc/<pid>), for any build.

const { scenario, base, rssMb, token } = abuseTarget()

async function connect(name: string): Promise<Socket> {
  const socket = io(base, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { token: await token(name) },
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('connect_error', reject)
  })
  return socket
}

/** The slowest /healthz answer while `work` runs, in ms. */
async function worstHealthz(work: Promise<unknown>): Promise<number> {
  let done = false
  let worst = 0
  void work.finally(() => (done = true))
  while (!done) {
    const started = performance.now()
    await fetch(`${base}/healthz`)
    worst = Math.max(worst, performance.now() - started)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  await work
  return Math.round(worst)
}

async function rooms(): Promise<void> {
  const socket = await connect('Roomer')
  const acks = await Promise.all(
    Array.from({ length: 3000 }, (_, i) =>
      socket.timeout(30_000).emitWithAck('create-room', { roomId: `flood-${i}` }),
    ),
  )
  const created = acks.filter((ack: { ok: boolean }) => ack.ok).length
  const list = Promise.all(
    Array.from({ length: 100 }, () =>
      socket
        .timeout(60_000)
        .emitWithAck('list-rooms', {})
        .then((ack: unknown) => JSON.stringify(ack).length),
    ),
  )
  const stall = await worstHealthz(list)
  const sizes = await list
  console.info(
    `rooms: ${created}/3000 created; 100 list-rooms of ${Math.max(...sizes)} bytes each; ` +
      `worst /healthz ${stall} ms; RSS ${rssMb()} MB`,
  )
  socket.disconnect()
}

async function replays(): Promise<void> {
  // A member that stopped reading: long-polling, and it never polls again after joining.
  const pollBase = `${base}/socket.io/?EIO=4&transport=polling`
  const { sid } = JSON.parse((await (await fetch(pollBase)).text()).slice(1)) as { sid: string }
  const at = `${pollBase}&sid=${sid}`
  await fetch(at, { method: 'POST', body: `40${JSON.stringify({ token: await token('Reader') })}` })
  await fetch(at)
  await fetch(at, { method: 'POST', body: '421["join-room",{"roomId":"general"}]' })
  await fetch(at)
  const writer = await connect('Replayer')
  await writer.emitWithAck('join-room', { roomId: 'general' })
  const before = rssMb()
  const text = 'r'.repeat(1900)
  let accepted = 0
  for (let i = 0; i < 20_000; i += 100) {
    const acks = await Promise.all(
      Array.from({ length: 100 }, () =>
        writer.emitWithAck('send-message', { roomId: 'general', text, clientId: 'replayed' }),
      ),
    )
    accepted += acks.filter((ack: { ok: boolean }) => ack.ok).length
  }
  const health = (await (await fetch(`${base}/healthz`)).json()) as {
    connections: { socketio: number }
  }
  console.info(
    `replays: ${accepted}/20000 accepted; RSS ${before} -> ${rssMb()} MB; ` +
      `Socket.IO connections still open: ${health.connections.socketio} (reader + writer = 2)`,
  )
  writer.disconnect()
}

const scenarios: Record<string, () => Promise<void>> = { rooms, replays }
const run = scenarios[scenario ?? '']
if (!run) throw new Error(`scenario: one of ${Object.keys(scenarios).join(', ')}`)
await run()
process.exit(0)
