import { now, sleep } from '../../lib/net.ts'
import { defineTask, type WorkerPart } from '../../load/tasks.ts'
import { openYjs, type YjsSpec } from './clients.ts'
import { generateTrace } from './trace.ts'
import { applyTxn, loadPublishedTrace, syntheticTrace } from './replay.ts'
import { openReplayPeer, type ReplayTarget } from './replay-clients.ts'

/** What the coordinator asks of one trace replay (bench/src/scenarios/editor/scenario.ts). */
export interface ReplayParams {
  target: ReplayTarget
  doc: string
  observers: number
  /** The published trace's file and how many of its transactions (0: all), or a synthetic one. */
  trace: { kind: 'published'; file: string; txns: number } | { kind: 'synthetic'; ops: number }
  /** How long to wait for the observers after the last transaction was sent. */
  waitMs: number
}

export interface ReplayTaskResult {
  trace: string
  txns: number
  textLength: number
  sendMs: number
  convergeMs: number
  exact: boolean
  dropped: number
}

interface YjsParams {
  url: string
  secret: string
  doc: string
  count: number
}

/** The editor's part of the load worker: Yjs peers, and scenario 5's tasks. */
export const editorTasks: WorkerPart = {
  connectors: {
    yjs: (spec, index, onDelivery) => openYjs(spec as YjsSpec, index, onDelivery),
  },
  tasks: {
    // Update → remote apply, one update at a time.
    'yjs-latency': defineTask<YjsParams>(async (p, kit) => {
      kit.expect(1, p.count)
      const remote = kit.track()
      let waiting: ((seq: number) => void) | undefined
      const spec = { kind: 'yjs', url: p.url, doc: p.doc, secret: p.secret } as const
      const editor = await openYjs({ ...spec, user: 'bench-editor' }, 0, undefined, false)
      const peer = await openYjs({ ...spec, user: 'bench-peer' }, 1, (seq, ts) => {
        remote.onDelivery(seq, ts)
        waiting?.(seq)
      })
      const map = editor.doc.getMap<[number, number]>('bench')
      for (let seq = 1; seq <= p.count; seq++) {
        await new Promise<void>((resolve) => {
          waiting = (got) => got === seq && resolve()
          map.set('m', [seq, now()])
        })
      }
      const result = kit.stats()
      await Promise.all([editor.close(), peer.close()])
      kit.done()
      return result
    }),
    'yjs-trace': defineTask<YjsParams & { ops: number; seed: number }>(async (p) => {
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
    }),
    // One writer replays a trace, one Yjs transaction per trace transaction, as fast as its
    // provider takes them; N observers watch. Done when every observer's text is the writer's.
    'yjs-replay': defineTask<ReplayParams>(async (p): Promise<ReplayTaskResult> => {
      const trace =
        p.trace.kind === 'published'
          ? loadPublishedTrace(p.trace.file, p.trace.txns)
          : syntheticTrace(p.trace.ops, 42)
      const writer = await openReplayPeer(p.target, p.doc, 0, true)
      // The first observer has the document open like a person (an awareness state, renewed
      // every 15 s, which also reaches the writer); the rest are viewers without one.
      const observers = await Promise.all(
        Array.from({ length: p.observers }, (_, i) =>
          openReplayPeer(p.target, p.doc, i + 1, i === 0),
        ),
      )
      const t0 = now()
      let i = 0
      for (const txn of trace.txns) {
        applyTxn(writer.doc, writer.text, txn)
        // Let the socket flush and the replies in, as a browser's event loop would.
        if (++i % 500 === 0) await new Promise((resolve) => setImmediate(resolve))
      }
      const sendMs = now() - t0
      const final = writer.text.toString()
      const caughtUp = () =>
        observers.every((o) => o.text.length === final.length && o.text.toString() === final)
      const deadline = now() + p.waitMs
      while (!caughtUp() && now() < deadline) await sleep(20)
      const convergeMs = now() - t0
      const exact = caughtUp() && (trace.endContent === undefined || final === trace.endContent)
      const result: ReplayTaskResult = {
        trace: trace.name,
        txns: trace.txns.length,
        textLength: final.length,
        sendMs,
        convergeMs,
        exact,
        dropped: [writer, ...observers].reduce((n, peer) => n + peer.dropped(), 0),
      }
      await Promise.all([writer, ...observers].map((peer) => peer.close()))
      return result
    }),
    'yjs-reload': defineTask<YjsParams & { expectLength: number }>(async (p) => {
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
    }),
  },
}
