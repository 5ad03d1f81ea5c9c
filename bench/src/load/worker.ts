/**
 * A load process. The coordinator forks a few of these (all pinned to the load core) and drives
 * them over IPC: open connections, say which seqs to expect, collect what arrived, close.
 */
import WebSocket from 'ws'
import { Histogram } from '../lib/histogram.ts'
import { now, sleep } from '../lib/net.ts'
import { BENCH_SYMBOL } from '../lib/payload.ts'
import {
  closeAgents,
  closeWs,
  openChat,
  openSioMember,
  openConn,
  openSio,
  openSse,
  openWs,
  openYjs,
  type Conn,
  type OnDelivery,
} from './clients.ts'
import type { ConnSpec, DeliveryStats, FromWorker, TaskName, ToWorker } from './messages.ts'
import { b1SocketUrl, b2StreamUrl, nextStreamUrl } from './endpoints.ts'
import { generateTrace } from './trace.ts'

// y-websocket adds a process 'exit' listener per provider; thousands of peers are expected here.
process.setMaxListeners(0)

class Tracker {
  seen: Uint8Array
  delivered = 0
  duplicates = 0
  other = 0
  constructor(count: number) {
    this.seen = new Uint8Array(count)
  }
}

let firstSeq = 0
let expected = 0
let histogram = new Histogram()
let lastAt = 0
const trackers: Tracker[] = []
const conns: Conn[] = []

function deliveryFor(tracker: () => Tracker | undefined): OnDelivery {
  return (seq, ts) => {
    const t = tracker()
    if (!t) return
    const k = seq - firstSeq
    if (k < 0 || k >= expected) {
      t.other++
      return
    }
    if (t.seen[k] === 1) {
      t.duplicates++
      return
    }
    t.seen[k] = 1
    t.delivered++
    const at = now()
    histogram.record(at - ts)
    lastAt = at
  }
}

function stats(): DeliveryStats {
  let delivered = 0
  let duplicates = 0
  let other = 0
  for (const t of trackers) {
    delivered += t.delivered
    duplicates += t.duplicates
    other += t.other
  }
  return {
    connections: trackers.length,
    delivered,
    duplicates,
    missing: trackers.length * expected - delivered,
    other,
    lastAt,
    latency: histogram.toJSON(),
  }
}

function minDelivered(): number {
  let min = Infinity
  for (const t of trackers) if (t.delivered < min) min = t.delivered
  return min === Infinity ? 0 : min
}

async function open(spec: ConnSpec, count: number, addressOffset: number) {
  let failed = 0
  const errors = new Set<string>()
  const batch = 100
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start)
    await Promise.all(
      Array.from({ length: size }, async (_, i) => {
        const slot = trackers.length
        trackers.push(new Tracker(expected))
        try {
          conns.push(
            await openConn(
              spec,
              addressOffset + start + i,
              deliveryFor(() => trackers[slot]),
            ),
          )
        } catch (error) {
          failed++
          errors.add(error instanceof Error ? error.message : String(error))
        }
      }),
    )
  }
  return { opened: count - failed, failed, errors: [...errors].slice(0, 5) }
}

async function closeAll() {
  const closing = conns.splice(0).map((c) => c.close().catch(() => undefined))
  await Promise.all(closing)
  trackers.length = 0
  await closeAgents()
  return { closed: closing.length }
}

let progressTimer: ReturnType<typeof setInterval> | undefined
let lastMin = -1

function send(message: FromWorker) {
  process.send?.(message)
}

async function task(name: TaskName, params: Record<string, unknown>): Promise<unknown> {
  switch (name) {
    case 'flood':
      return floodTask(params as unknown as FloodParams)
    case 'chat-rtt':
      return chatRttTask(params as unknown as ChatParams)
    case 'ws-echo':
      return wsEchoTask(params as unknown as { url: string; count: number })
    case 'yjs-latency':
      return yjsLatencyTask(params as unknown as YjsParams)
    case 'yjs-trace':
      return yjsTraceTask(params as unknown as YjsParams & { ops: number; seed: number })
    case 'yjs-reload':
      return yjsReloadTask(params as unknown as YjsParams & { expectLength: number })
  }
}

// ---------------------------------------------------------------------------------------------
// Scenario 1: one client, N messages as fast as the server sends them

interface FloodParams {
  kind: 'sse-next' | 'sse-b2' | 'ws-b1' | 'sio'
  url: string
  count: number
  firstSeq: number
}

async function floodTask(p: FloodParams) {
  firstSeq = p.firstSeq
  expected = p.count
  histogram = new Histogram()
  const tracker = new Tracker(p.count)
  trackers.push(tracker)
  const onDelivery = deliveryFor(() => tracker)
  let done: () => void = () => {}
  const all = new Promise<void>((resolve) => (done = resolve))
  const counted: OnDelivery = (seq, ts) => {
    onDelivery(seq, ts)
    if (tracker.delivered === p.count) done()
  }
  let conn: Conn
  let trigger: () => Promise<unknown>
  if (p.kind === 'sse-next') {
    conn = await openSse(nextStreamUrl(p.url), 0, counted)
    trigger = () =>
      fetch(`${p.url}/api/bench/ticker`, {
        method: 'POST',
        body: JSON.stringify({
          symbol: BENCH_SYMBOL,
          count: p.count,
          firstSeq: p.firstSeq,
          paced: true,
        }),
      })
  } else if (p.kind === 'sse-b2') {
    conn = await openSse(b2StreamUrl(p.url), 0, counted)
    trigger = () =>
      fetch(`${p.url}/flood`, {
        method: 'POST',
        body: JSON.stringify({ count: p.count, firstSeq: p.firstSeq }),
      })
  } else if (p.kind === 'ws-b1') {
    conn = await openWs(b1SocketUrl(p.url), 0, counted)
    const pub = new WebSocket(b1SocketUrl(p.url, 'pub'), { perMessageDeflate: false })
    await new Promise((resolve) => pub.once('open', resolve))
    trigger = async () => {
      pub.send(JSON.stringify({ op: 'flood', count: p.count, firstSeq: p.firstSeq }))
      await new Promise((resolve) => pub.once('message', resolve))
      await closeWs(pub)
    }
  } else {
    const sio = (await openSio(p.url, 0, counted)) as Conn & {
      socket: { emitWithAck(event: string, arg: unknown): Promise<unknown> }
    }
    conn = sio
    trigger = () => sio.socket.emitWithAck('flood', { count: p.count, firstSeq: p.firstSeq })
  }
  const t0 = now()
  const triggered = trigger()
  const timeout = sleep(120_000)
  await Promise.race([all, timeout])
  const t1 = lastAt
  await triggered
  await sleep(100) // anything after the last expected message would be a duplicate
  const result = { ms: t1 - t0, ...stats() }
  await conn.close()
  trackers.length = 0
  return result
}

// ---------------------------------------------------------------------------------------------
// Scenario 4: chat round trip, and the raw ws echo next to it

interface ChatParams {
  url: string
  count: number
  /** The realtime server's chat, joined with a session; absent: the bare Socket.IO server. */
  chat?: { secret: string; room: string }
}

async function roundTrips(
  count: number,
  sendOne: (seq: number) => Promise<void>,
  otherSeen: (seq: number) => boolean,
) {
  const ack = new Histogram()
  for (let seq = 1; seq <= count; seq++) {
    const t = now()
    await sendOne(seq)
    ack.record(now() - t)
  }
  for (let i = 0; i < 200 && !otherSeen(count); i++) await sleep(10)
  return ack
}

async function chatRttTask(p: ChatParams) {
  firstSeq = 1
  expected = p.count
  histogram = new Histogram()
  const sentAt = new Float64Array(p.count + 1)
  const other = new Tracker(p.count)
  trackers.push(other)
  const record = deliveryFor(() => other)
  const room = p.chat?.room ?? 'library'
  const join = async (user: string, index: number, onDelivery: OnDelivery) =>
    p.chat
      ? openChat({ kind: 'sio-chat', url: p.url, ...p.chat, user }, index, onDelivery)
      : openSioMember(p.url, index, onDelivery)
  const sender = await join('bench-sender', 0, () => undefined)
  // The member's latency is measured from the moment the sender emitted, on the host clock.
  const member = await join('bench-member', 1, (seq) => record(seq, sentAt[seq] ?? 0))
  let refused = 0
  const ack = await roundTrips(
    p.count,
    async (seq) => {
      sentAt[seq] = now()
      const response = (await sender.socket.emitWithAck('send-message', {
        roomId: room,
        text: JSON.stringify({ seq }),
        clientId: `bench-${seq}`,
      })) as { ok: boolean }
      if (!response.ok) refused++
    },
    () => other.delivered === p.count,
  )
  const result = { ack: ack.toJSON(), refused, ...stats() }
  await Promise.all([sender.close(), member.close()])
  trackers.length = 0
  return result
}

async function wsEchoTask(p: { url: string; count: number }) {
  firstSeq = 1
  expected = p.count
  histogram = new Histogram()
  const sentAt = new Float64Array(p.count + 1)
  const other = new Tracker(p.count)
  trackers.push(other)
  const record = deliveryFor(() => other)
  const member = await openWs(b1SocketUrl(p.url), 1, (seq) => record(seq, sentAt[seq] ?? 0))
  const sender = new WebSocket(b1SocketUrl(p.url, 'pub'), { perMessageDeflate: false })
  await new Promise((resolve) => sender.once('open', resolve))
  let waiting: ((seq: number) => void) | undefined
  sender.on('message', (data) => waiting?.((JSON.parse(data.toString()) as { seq: number }).seq))
  const ack = await roundTrips(
    p.count,
    (seq) =>
      new Promise<void>((resolve) => {
        waiting = (echoed) => echoed === seq && resolve()
        sentAt[seq] = now()
        sender.send(JSON.stringify({ op: 'chat', seq }))
      }),
    () => other.delivered === p.count,
  )
  const result = { ack: ack.toJSON(), refused: 0, ...stats() }
  await Promise.all([closeWs(sender), member.close()])
  trackers.length = 0
  return result
}

// ---------------------------------------------------------------------------------------------
// Scenario 5: Yjs

interface YjsParams {
  url: string
  secret: string
  doc: string
  count: number
}

async function yjsLatencyTask(p: YjsParams) {
  firstSeq = 1
  expected = p.count
  histogram = new Histogram()
  const remote = new Tracker(p.count)
  trackers.push(remote)
  const record = deliveryFor(() => remote)
  let waiting: ((seq: number) => void) | undefined
  const spec = { kind: 'yjs', url: p.url, doc: p.doc, secret: p.secret } as const
  const editor = await openYjs({ ...spec, user: 'bench-editor' }, 0, undefined, false)
  const peer = await openYjs({ ...spec, user: 'bench-peer' }, 1, (seq, ts) => {
    record(seq, ts)
    waiting?.(seq)
  })
  const map = editor.doc.getMap<[number, number]>('bench')
  for (let seq = 1; seq <= p.count; seq++) {
    await new Promise<void>((resolve) => {
      waiting = (got) => got === seq && resolve()
      map.set('m', [seq, now()])
    })
  }
  const result = stats()
  await Promise.all([editor.close(), peer.close()])
  trackers.length = 0
  return result
}

async function yjsTraceTask(p: YjsParams & { ops: number; seed: number }) {
  const trace = generateTrace(p.ops, p.seed)
  const spec = { kind: 'yjs', url: p.url, doc: p.doc, secret: p.secret } as const
  const editor = await openYjs({ ...spec, user: 'bench-editor' }, 0, undefined, false)
  const peer = await openYjs({ ...spec, user: 'bench-peer' }, 1, undefined)
  const text = editor.doc.getText('content')
  const remote = peer.doc.getText('content')
  const t0 = now()
  let i = 0
  for (const op of trace.ops) {
    // One transaction per keystroke, as an editor binding produces them: one update each.
    if (op.kind === 'insert') text.insert(op.index, op.text)
    else text.delete(op.index, op.length)
    // Let the socket flush and the replies in, as a person typing would.
    if (++i % 500 === 0) await new Promise((resolve) => setImmediate(resolve))
  }
  const sent = now()
  // Until the peer has everything (the server may still be relaying), for at most three minutes.
  for (let k = 0; k < 9000 && remote.toString() !== text.toString(); k++) await sleep(20)
  const t1 = now()
  const result = {
    ops: trace.ops.length,
    ms: t1 - t0,
    sendMs: sent - t0,
    converged: remote.toString() === text.toString(),
    textLength: text.length,
    expectedLength: trace.finalLength,
    docBytes: (await import('yjs')).encodeStateAsUpdate(editor.doc).length,
  }
  await Promise.all([editor.close(), peer.close()])
  return result
}

async function yjsReloadTask(p: YjsParams & { expectLength: number }) {
  const t0 = now()
  const reader = await openYjs(
    { kind: 'yjs', url: p.url, doc: p.doc, secret: p.secret, user: 'bench-reader' },
    2,
    undefined,
  )
  const ms = now() - t0
  const length = reader.doc.getText('content').length
  await reader.close()
  return { ms, length, complete: length === p.expectLength }
}

// ---------------------------------------------------------------------------------------------

process.on('message', (message: ToWorker) => {
  const reply = (value: unknown) => send({ type: 'reply', id: message.id, value })
  const fail = (error: unknown) =>
    send({
      type: 'error',
      id: message.id,
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    })
  switch (message.type) {
    case 'open':
      open(message.spec, message.count, message.addressOffset).then(reply, fail)
      return
    case 'expect':
      firstSeq = message.firstSeq
      expected = message.count
      histogram = new Histogram()
      lastAt = 0
      lastMin = -1
      for (let i = 0; i < trackers.length; i++) trackers[i] = new Tracker(message.count)
      reply(true)
      return
    case 'collect':
      reply(stats())
      return
    case 'close':
      closeAll().then(reply, fail)
      return
    case 'progress':
      clearInterval(progressTimer)
      progressTimer = undefined
      if (message.everyMs > 0) {
        progressTimer = setInterval(() => {
          const min = minDelivered()
          if (min !== lastMin) send({ type: 'min', minDelivered: min })
          lastMin = min
        }, message.everyMs)
      }
      reply(true)
      return
    case 'task':
      task(message.name, message.params).then(reply, fail)
      return
  }
})

process.on('disconnect', () => process.exit(0))
