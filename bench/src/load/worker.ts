/**
 * A load process. The coordinator forks a few of these (all pinned to the load core) and drives
 * them over IPC: open connections, say which seqs to expect, collect what arrived, close.
 */
import { Histogram } from '../lib/histogram.ts'
import { now, sleep } from '../lib/net.ts'
import { SCENARIO_TASKS } from '../scenarios/tasks.ts'
import { baselineTasks } from './baseline-tasks.ts'
import { closeAgents, type Conn, type OnDelivery } from './clients.ts'
import type { ConnSpec, DeliveryStats, FromWorker, ToWorker } from './messages.ts'
import type { Connector, Flood, FloodParams, Task, TaskKit } from './tasks.ts'

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

// What this worker can open and run: the baselines' part, then each listed demo's.
const parts = [baselineTasks, ...SCENARIO_TASKS]
const connectors: Record<string, Connector> = Object.assign({}, ...parts.map((p) => p.connectors))
const floods: Record<string, Flood> = Object.assign({}, ...parts.map((p) => p.floods))
const tasks: Record<string, Task> = Object.assign({}, ...parts.map((p) => p.tasks), {
  flood: (params: Record<string, unknown>) => floodTask(params as unknown as FloodParams),
})

function openConn(spec: ConnSpec, index: number, onDelivery: OnDelivery): Promise<Conn> {
  const connector = connectors[spec.kind]
  if (!connector) throw new Error(`no connector for ${spec.kind}`)
  return connector(spec, index, onDelivery)
}

const kit: TaskKit = {
  expect(first, count) {
    firstSeq = first
    expected = count
    histogram = new Histogram()
  },
  track() {
    const tracker = new Tracker(expected)
    trackers.push(tracker)
    return {
      onDelivery: deliveryFor(() => tracker),
      get delivered() {
        return tracker.delivered
      },
    }
  },
  stats,
  done() {
    trackers.length = 0
  },
}

function task(name: string, params: Record<string, unknown>): Promise<unknown> {
  const run = tasks[name]
  if (!run) return Promise.reject(new Error(`no load task ${name}`))
  return run(params, kit)
}

// ---------------------------------------------------------------------------------------------
// Scenario 1: one client, N messages as fast as the server sends them

async function floodTask(p: FloodParams) {
  const flood = floods[p.kind]
  if (!flood) throw new Error(`no flood for ${p.kind}`)
  kit.expect(p.firstSeq, p.count)
  const tracked = kit.track()
  let done: () => void = () => {}
  const all = new Promise<void>((resolve) => (done = resolve))
  const counted: OnDelivery = (seq, ts) => {
    tracked.onDelivery(seq, ts)
    if (tracked.delivered === p.count) done()
  }
  const { conn, trigger } = await flood(p, counted)
  const t0 = now()
  const triggered = trigger()
  const timeout = sleep(120_000)
  await Promise.race([all, timeout])
  const t1 = lastAt
  await triggered
  await sleep(100) // anything after the last expected message would be a duplicate
  const result = { ms: t1 - t0, ...stats() }
  await conn.close()
  kit.done()
  return result
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
