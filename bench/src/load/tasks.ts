import type { HistogramData } from '../lib/histogram.ts'
import { Histogram } from '../lib/histogram.ts'
import { now, sleep } from '../lib/net.ts'
import type { Conn, OnDelivery, SioConn } from './clients.ts'
import type { SioRoundTripEvents } from '../lib/payload.ts'
import type { ConnSpec, DeliveryStats } from './messages.ts'

/**
 * What a load worker knows how to do, beyond opening connections and counting: the baselines'
 * part lives in load/baseline-tasks.ts, each demo's in bench/src/scenarios/<demo>/tasks.ts,
 * composed by bench/src/scenarios/tasks.ts.
 */
export interface WorkerPart {
  /** Opens one connection of a `ConnSpec` kind. */
  connectors?: Record<string, Connector>
  /** Scenario 1: how one client of a stack connects and asks for the flood. */
  floods?: Record<string, Flood>
  /** Single-client tasks (`pool.task(name, params)`). */
  tasks?: Record<string, Task>
}

export type Connector = (spec: ConnSpec, index: number, onDelivery: OnDelivery) => Promise<Conn>

export interface FloodParams {
  kind: string
  url: string
  count: number
  firstSeq: number
  secret?: string
}

/** Connects the flood's one client; `trigger` asks the server for the messages. */
export type Flood = (
  p: FloodParams,
  onDelivery: OnDelivery,
) => Promise<{ conn: Conn; trigger(): Promise<unknown> }>

export type Task = (params: Record<string, unknown>, kit: TaskKit) => Promise<unknown>

/** A task whose parameters have a type of their own (they cross IPC as plain JSON). */
export function defineTask<P>(task: (params: P, kit: TaskKit) => Promise<unknown>): Task {
  return (params, kit) => task(params as unknown as P, kit)
}

/** The worker's counting, for a task's own connections. */
export interface TaskKit {
  /** Counting starts again: seqs `firstSeq … firstSeq + count - 1` are expected, no latencies. */
  expect(firstSeq: number, count: number): void
  /** Counts one connection's deliveries; `delivered` is how many distinct expected seqs came. */
  track(): { onDelivery: OnDelivery; readonly delivered: number }
  /** What every tracked connection received. */
  stats(): DeliveryStats
  /** Forgets the task's tracked connections. */
  done(): void
}

/** What a round-trip task returns (scenario 4). */
export interface RttTaskResult extends Omit<DeliveryStats, 'latency'> {
  /** Sender: emit to ack. */
  ack: HistogramData
  /** Other member: emit to delivery. */
  latency: HistogramData
  refused: number
}

/** Sends `count` messages one at a time (each after the last one's ack), then waits for the other side. */
export async function roundTrips(
  count: number,
  sendOne: (seq: number) => Promise<void>,
  otherSeen: (seq: number) => boolean,
): Promise<Histogram> {
  const ack = new Histogram()
  for (let seq = 1; seq <= count; seq++) {
    const t = now()
    await sendOne(seq)
    ack.record(now() - t)
  }
  for (let i = 0; i < 200 && !otherSeen(count); i++) await sleep(10)
  return ack
}

/**
 * Round trips over Socket.IO: `events.send` with an ack, `events.broadcast` to the others, between
 * a sender and a member joined by `join`, in `room`.
 */
export async function sioRoundTrips(
  kit: TaskKit,
  count: number,
  room: string,
  join: (user: string, index: number, onDelivery: OnDelivery) => Promise<SioConn>,
  events: SioRoundTripEvents,
): Promise<RttTaskResult> {
  kit.expect(1, count)
  const sentAt = new Float64Array(count + 1)
  const other = kit.track()
  const sender = await join('bench-sender', 0, () => undefined)
  // The member's latency is measured from the moment the sender emitted, on the host clock.
  const member = await join('bench-member', 1, (seq) => other.onDelivery(seq, sentAt[seq] ?? 0))
  let refused = 0
  const ack = await roundTrips(
    count,
    async (seq) => {
      sentAt[seq] = now()
      const response = (await sender.socket.emitWithAck(events.send, {
        roomId: room,
        text: JSON.stringify({ seq }),
        clientId: `bench-${seq}`,
      })) as { ok: boolean }
      if (!response.ok) refused++
    },
    () => other.delivered === count,
  )
  const result = { ack: ack.toJSON(), refused, ...kit.stats() }
  await Promise.all([sender.close(), member.close()])
  kit.done()
  return result
}
