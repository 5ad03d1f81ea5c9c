import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createAppendBatcher, mergeMany } from './append-batcher.ts'

/** A store that keeps appended rows, optionally failing or pausing a write. */
function memoryStore() {
  const rows: { name: string; update: Uint8Array }[] = []
  let fail = false
  return {
    rows,
    failNext: () => (fail = true),
    appendDocUpdate(name: string, update: Uint8Array) {
      if (fail) {
        fail = false
        return Promise.reject(new Error('disk full'))
      }
      rows.push({ name, update })
      return Promise.resolve()
    },
  }
}

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
    const appends = createAppendBatcher(store, (name) => void stored.push(name))
    const w = writer()
    for (const ch of 'hello world') w.text.insert(w.text.length, ch)
    const writes = w.updates.map((u) => appends.append('notes', u, Promise.resolve()))
    expect(writes.filter((p) => p !== undefined)).toHaveLength(1)
    await Promise.all(writes)
    expect(store.rows).toHaveLength(1)
    expect(textOf(store.rows)).toBe('hello world')
    expect(stored).toEqual(['notes'])
  })

  it('keeps documents apart and writes a later edit as a later row, in order', async () => {
    const store = memoryStore()
    const appends = createAppendBatcher(store, () => undefined)
    const a = writer()
    const b = writer()
    a.text.insert(0, 'one')
    b.text.insert(0, 'other')
    const first = [
      appends.append('a', a.updates[0] as Uint8Array, Promise.resolve()),
      appends.append('b', b.updates[0] as Uint8Array, Promise.resolve()),
    ]
    await Promise.all(first)
    // An edit after the first batch was written is a row of its own, after it.
    a.text.insert(3, ' two')
    await appends.append('a', a.updates[1] as Uint8Array, Promise.resolve())
    expect(store.rows.map((r) => r.name)).toEqual(['a', 'b', 'a'])
    expect(textOf(store.rows.filter((r) => r.name === 'a'))).toBe('one two')
    expect(textOf(store.rows.filter((r) => r.name === 'b'))).toBe('other')
  })

  it('waits for the document to load before writing anything', async () => {
    const store = memoryStore()
    const appends = createAppendBatcher(store, () => undefined)
    let loaded: () => void = () => {}
    const ready = new Promise<void>((resolve) => (loaded = resolve))
    const w = writer()
    w.text.insert(0, 'early')
    const write = appends.append('notes', w.updates[0] as Uint8Array, ready)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(store.rows).toHaveLength(0)
    loaded()
    await write
    expect(textOf(store.rows)).toBe('early')
  })

  it('rejects the batch whose write failed and still stores the next one', async () => {
    const store = memoryStore()
    const appends = createAppendBatcher(store, () => undefined)
    const w = writer()
    w.text.insert(0, 'lost')
    store.failNext()
    const failed = appends.append('notes', w.updates[0] as Uint8Array, Promise.resolve())
    await expect(failed).rejects.toThrow('disk full')
    w.text.insert(4, ' kept')
    await appends.append('notes', w.updates[1] as Uint8Array, Promise.resolve())
    expect(store.rows).toHaveLength(1)
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
