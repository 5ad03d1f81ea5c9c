import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import type * as Y from 'yjs'
import { generateTrace } from './trace.ts'

/** One transaction of an editing trace: `[position, deleteCount, insertText]` patches, in order. */
export type TracePatch = [number, number, string]
export interface ReplayTrace {
  name: string
  txns: TracePatch[][]
  /** The text after every transaction, when the trace says it (the whole published trace). */
  endContent?: string
}

/**
 * The published trace (bench/traces/README.md: editing trace by Joseph Gentle,
 * josephg/editing-traces, CC BY 4.0), or its first `limit` transactions (0: all of it).
 */
export function loadPublishedTrace(file: string, limit: number): ReplayTrace {
  const raw = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as {
    startContent: string
    endContent: string
    txns: { patches: TracePatch[] }[]
  }
  if (raw.startContent !== '') throw new Error(`${file}: a trace must start from an empty text`)
  const all = raw.txns.map((t) => t.patches)
  const whole = limit <= 0 || limit >= all.length
  return {
    name: 'seph-blog1',
    txns: whole ? all : all.slice(0, limit),
    ...(whole ? { endContent: raw.endContent } : {}),
  }
}

/** The bench's seeded synthetic trace, as transactions of one patch each. */
export function syntheticTrace(ops: number, seed: number): ReplayTrace {
  const { ops: edits } = generateTrace(ops, seed)
  return {
    name: 'synthetic',
    txns: edits.map((op): TracePatch[] =>
      op.kind === 'insert' ? [[op.index, 0, op.text]] : [[op.index, op.length, '']],
    ),
  }
}

/**
 * Applies one transaction to `text` as one Yjs transaction (one update on the wire). Positions
 * are code points; the published trace has none outside the BMP (bench/traces/README.md), so
 * they are the string indices Y.Text takes.
 */
export function applyTxn(doc: Y.Doc, text: Y.Text, patches: readonly TracePatch[]): void {
  doc.transact(() => {
    for (const [position, deleteCount, insert] of patches) {
      if (deleteCount > 0) text.delete(position, deleteCount)
      if (insert.length > 0) text.insert(position, insert)
    }
  })
}
