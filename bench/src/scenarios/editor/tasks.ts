import { now, sleep } from '../../lib/net.ts'
import { defineTask, type WorkerPart } from '../../load/tasks.ts'
import { openYjs, type YjsSpec } from './clients.ts'
import { generateTrace } from './trace.ts'

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
