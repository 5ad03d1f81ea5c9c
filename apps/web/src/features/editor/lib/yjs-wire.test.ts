import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { describeYjsFrame } from './yjs-wire.ts'

describe('describeYjsFrame', () => {
  it('tells sync step 1, step 2 and updates apart', () => {
    const vector = Y.encodeStateVector(new Y.Doc())
    const step1 = Uint8Array.from([0, 0, vector.length, ...vector])
    expect(describeYjsFrame(step1, 'out')).toMatchObject({
      kind: 'sync-step-1',
      bytes: step1.length,
    })
    expect(describeYjsFrame(Uint8Array.from([0, 1, 2, 0, 0]), 'in').kind).toBe('sync-step-2')
    const doc = new Y.Doc()
    let update: Uint8Array = new Uint8Array()
    doc.on('update', (u: Uint8Array) => (update = u))
    doc.getText('content').insert(0, 'hi')
    const frame = Uint8Array.from([0, 2, update.length, ...update])
    expect(describeYjsFrame(frame.buffer, 'out')).toMatchObject({
      kind: 'update',
      bytes: frame.length,
    })
  })

  it('shows the awareness state, which is where names and cursors live', () => {
    const state = new TextEncoder().encode('{"user":{"name":"Ada"}}')
    const update = [1, 7, 3, state.length, ...state]
    const frame = Uint8Array.from([1, update.length, ...update])
    const described = describeYjsFrame(frame, 'in')
    expect(described.kind).toBe('awareness')
    expect(described.text).toContain('#7 clock 3: {"user":{"name":"Ada"}}')
  })

  it('survives a truncated frame', () => {
    expect(describeYjsFrame(Uint8Array.from([0]), 'in').kind).toBe('malformed')
  })
})
