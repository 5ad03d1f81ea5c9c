import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createAppendBatcher, mergeMany, type BatchWrite } from './append-batcher.ts'

/** A store that keeps appended rows, optionally failing or pausing a write. */
function memoryStore() {
  const rows: BatchWrite<string>[] = []
  let fail = false
  let refuse = false
  return {
    rows,
    failNext: () => (fail = true),
    refuseNext: () => (refuse = true),
    write(batch: BatchWrite<string>): Promise<boolean> {
      if (fail) {
        fail = false
        return Promise.reject(new Error('disk full'))
      }
      if (refuse) {
        refuse = false
        return Promise.resolve(false)
      }
      rows.push(batch)
      return Promise.resolve(true)
    },
  }
}

const copy = 'copy-1'
const now = (before: Promise<void> = Promise.resolve()) => ({ before, copy })

/** A writer's document whose updates (one per transaction) are collected. */
function writer() {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  const text = doc.getText('content')
  return { doc, text, updates }
}

function textOf(rows: readonly { update: Uint8Array }[]): string {
  const doc = new Y.Doc()
  for (const row of rows) Y.applyUpdate(doc, row.update)
  return doc.getText('content').toString()
}

describe('createAppendBatcher', () => {
  it('stores a burst of updates made in one turn as one row with every edit in it', async () => {
    const store = memoryStore()
    const stored: string[] = []
    const appends = createAppendBatcher(store.write, (name) => void stored.push(name))
    const w = writer()
    for (const ch of 'hello world') w.text.insert(w.text.length, ch)
    const writes = w.updates.map((u) => appends.append('notes', u, now()))
    expect(writes.filter((p) => p !== undefined)).toHaveLength(1)
    await Promise.all(writes)
    expect(store.rows).toHaveLength(1)
    expect(textOf(store.rows)).toBe('hello world')
    expect(stored).toEqual(['notes'])
  })

  it('keeps documents apart and writes a later edit as a later row, in order', async () => {
    const store = memoryStore()
    const appends = createAppendBatcher(store.write, () => undefined)
    const a = writer()
    const b = writer()
    a.text.insert(0, 'one')
    b.text.insert(0, 'other')
    const first = [
      appends.append('a', a.updates[0] as Uint8Array, now()),
      appends.append('b', b.updates[0] as Uint8Array, now()),
    ]
    await Promise.all(first)
    // An edit after the first batch was written is a row of its own, after it.
    a.text.insert(3, ' two')
    await appends.append('a', a.updates[1] as Uint8Array, now())
    expect(store.rows.map((r) => r.name)).toEqual(['a', 'b', 'a'])
    expect(textOf(store.rows.filter((r) => r.name === 'a'))).toBe('one two')
    expect(textOf(store.rows.filter((r) => r.name === 'b'))).toBe('other')
  })

  it('waits for the document to load before writing anything', async () => {
    const store = memoryStore()
    const appends = createAppendBatcher(store.write, () => undefined)
    let loaded: () => void = () => {}
    const ready = new Promise<void>((resolve) => (loaded = resolve))
    const w = writer()
    w.text.insert(0, 'early')
    const write = appends.append('notes', w.updates[0] as Uint8Array, now(ready))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(store.rows).toHaveLength(0)
    loaded()
    await write
    expect(textOf(store.rows)).toBe('early')
  })

  it('rejects the batch whose write failed and still stores the next one', async () => {
    const store = memoryStore()
    const appends = createAppendBatcher(store.write, () => undefined)
    const w = writer()
    w.text.insert(0, 'lost')
    store.failNext()
    const failed = appends.append('notes', w.updates[0] as Uint8Array, now())
    await expect(failed).rejects.toThrow('disk full')
    w.text.insert(4, ' kept')
    await appends.append('notes', w.updates[1] as Uint8Array, now())
    expect(store.rows).toHaveLength(1)
  })

  it('never puts two copies of a document in one batch, and names the first known editor', async () => {
    const store = memoryStore()
    const appends = createAppendBatcher(store.write, () => undefined)
    const old = writer()
    const fresh = writer()
    old.text.insert(0, 'old')
    fresh.text.insert(0, 'new')
    fresh.text.insert(3, '!')
    const ada = { id: 'u_ada', name: 'Ada' }
    await Promise.all([
      appends.append('notes', old.updates[0] as Uint8Array, {
        before: Promise.resolve(),
        copy: 'a',
      }),
      appends.append('notes', fresh.updates[0] as Uint8Array, {
        before: Promise.resolve(),
        copy: 'b',
      }),
      appends.append('notes', fresh.updates[1] as Uint8Array, {
        before: Promise.resolve(),
        copy: 'b',
        editor: ada,
      }),
    ])
    expect(store.rows.map((r) => [r.copy, r.editor?.name])).toEqual([
      ['a', undefined],
      ['b', 'Ada'],
    ])
    expect(textOf(store.rows.filter((r) => r.copy === 'b'))).toBe('new!')
  })

  it('counts no row for a batch that storage refused', async () => {
    const store = memoryStore()
    const stored: string[] = []
    const appends = createAppendBatcher(store.write, (name) => void stored.push(name))
    const w = writer()
    w.text.insert(0, 'refused')
    store.refuseNext()
    await appends.append('notes', w.updates[0] as Uint8Array, now())
    expect(stored).toEqual([])
  })
})

describe('mergeMany', () => {
  it('merges a typing run of a thousand updates into what Y.mergeUpdates gives', () => {
    const w = writer()
    for (let i = 0; i < 1000; i++) w.text.insert(i % 7 === 0 ? 0 : w.text.length, String(i % 10))
    const tree = new Y.Doc()
    Y.applyUpdate(tree, mergeMany(w.updates))
    const flat = new Y.Doc()
    Y.applyUpdate(flat, Y.mergeUpdates(w.updates))
    expect(tree.getText('content').toString()).toBe(w.text.toString())
    expect(Y.encodeStateVector(tree)).toEqual(Y.encodeStateVector(flat))
  })
})
