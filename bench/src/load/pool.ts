import { fork, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Histogram } from '../lib/histogram.ts'
import { adoptGroup, stopGroup, type Group } from '../lib/proc.ts'
import type { ConnSpec, DeliveryStats, FromWorker, ToWorker } from './messages.ts'

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url))
const BENCH_DIR = path.resolve(path.dirname(WORKER), '../..')

interface WorkerHandle {
  child: ChildProcess
  group: Group
  pending: Map<number, { resolve(value: unknown): void; reject(error: Error): void }>
  connections: number
  min: number
}

/** What every worker received, added up. */
export interface PoolStats extends Omit<DeliveryStats, 'latency'> {
  latency: Histogram
}

type Payload<T extends ToWorker['type']> = Omit<Extract<ToWorker, { type: T }>, 'id'>

/**
 * The load generator: a few forked processes (they inherit this process's pin to the load core)
 * that hold the client connections between them.
 */
export class LoadPool {
  private nextId = 1
  private constructor(private readonly workers: WorkerHandle[]) {}

  static start(size: number): LoadPool {
    const workers: WorkerHandle[] = []
    for (let i = 0; i < size; i++) {
      const child = fork(WORKER, [], {
        cwd: BENCH_DIR,
        execArgv: ['--import', 'tsx'],
        detached: true,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
      const handle: WorkerHandle = {
        child,
        group: adoptGroup(`load-${i}`, child),
        pending: new Map(),
        connections: 0,
        min: 0,
      }
      child.on('message', (message: FromWorker) => {
        if (message.type === 'min') {
          handle.min = message.minDelivered
          return
        }
        const waiter = handle.pending.get(message.id)
        if (!waiter) return
        handle.pending.delete(message.id)
        if (message.type === 'reply') waiter.resolve(message.value)
        else waiter.reject(new Error(`load worker ${i}: ${message.message}`))
      })
      child.on('exit', (code) => {
        for (const waiter of handle.pending.values()) {
          waiter.reject(new Error(`load worker ${i} exited (${code})`))
        }
        handle.pending.clear()
      })
      workers.push(handle)
    }
    return new LoadPool(workers)
  }

  get size(): number {
    return this.workers.length
  }

  pids(): number[] {
    return this.workers.map((w) => w.group.pid)
  }

  private call<T, K extends ToWorker['type']>(
    worker: WorkerHandle,
    type: K,
    payload: Omit<Payload<K>, 'type'>,
  ): Promise<T> {
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      worker.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      worker.child.send({ ...payload, type, id } as ToWorker)
    })
  }

  /** Opens `total` connections spread evenly over the workers (and over the source addresses). */
  async open(spec: ConnSpec, total: number): Promise<{ opened: number; errors: string[] }> {
    const per = Math.ceil(total / this.workers.length)
    const results = await Promise.all(
      this.workers.map((w, i) => {
        const count = Math.max(0, Math.min(per, total - i * per))
        w.connections += count
        return count === 0
          ? { opened: 0, failed: 0, errors: [] }
          : this.call<{ opened: number; failed: number; errors: string[] }, 'open'>(w, 'open', {
              spec,
              count,
              addressOffset: i * per,
            })
      }),
    )
    return {
      opened: results.reduce((n, r) => n + r.opened, 0),
      errors: results.flatMap((r) => r.errors),
    }
  }

  /** Every connection now expects seqs `firstSeq … firstSeq + count - 1`, each exactly once. */
  async expect(firstSeq: number, count: number): Promise<void> {
    for (const w of this.workers) w.min = 0
    await Promise.all(this.workers.map((w) => this.call(w, 'expect', { firstSeq, count })))
  }

  async collect(): Promise<PoolStats> {
    const parts = await Promise.all(
      this.workers.map((w) => this.call<DeliveryStats, 'collect'>(w, 'collect', {})),
    )
    return {
      connections: parts.reduce((n, p) => n + p.connections, 0),
      delivered: parts.reduce((n, p) => n + p.delivered, 0),
      duplicates: parts.reduce((n, p) => n + p.duplicates, 0),
      missing: parts.reduce((n, p) => n + p.missing, 0),
      other: parts.reduce((n, p) => n + p.other, 0),
      lastAt: Math.max(...parts.map((p) => p.lastAt)),
      latency: Histogram.from(parts.map((p) => p.latency)),
    }
  }

  /** Workers push the slowest connection's count every `everyMs` (0: stop). */
  async progress(everyMs: number): Promise<void> {
    await Promise.all(this.workers.map((w) => this.call(w, 'progress', { everyMs })))
  }

  /** The fewest expected messages any connection has received, as last pushed. */
  minDelivered(): number {
    let min = Infinity
    for (const w of this.workers) if (w.connections > 0 && w.min < min) min = w.min
    return min === Infinity ? 0 : min
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.workers.map((w) => this.call(w, 'close', {})))
    for (const w of this.workers) w.connections = 0
  }

  /** Runs a single-client task in the first worker. */
  task<T>(name: string, params: Record<string, unknown>): Promise<T> {
    const worker = this.workers[0]
    if (!worker) throw new Error('no load worker')
    return this.call<T, 'task'>(worker, 'task', { name, params })
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => stopGroup(w.group, 3000)))
  }
}
