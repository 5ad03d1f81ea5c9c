import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { AckNames, describeEnginePacket, describeYjsFrame } from './realtime-wire.ts'

describe('describeEnginePacket', () => {
  it('writes engine.io control packets as their digit', () => {
    const acks = new AckNames()
    expect(describeEnginePacket({ type: 'ping' }, 'in', acks)).toMatchObject({
      kind: 'ping',
      text: '2',
      bytes: 1,
    })
    expect(describeEnginePacket({ type: 'pong' }, 'out', acks)).toMatchObject({
      kind: 'pong',
      text: '3',
    })
  })

  it('names events by their socket.io event and counts UTF-8 bytes', () => {
    const frame = describeEnginePacket(
      { type: 'message', data: '2["room-message",{"text":"你好"}]' },
      'in',
      new AckNames(),
    )
    expect(frame).toMatchObject({
      kind: 'room-message',
      event: 'room-message',
      text: '42["room-message",{"text":"你好"}]',
    })
    expect(frame.bytes).toBe(new TextEncoder().encode(frame.text).length)
  })

  it('labels an ack with the request it answers', () => {
    const acks = new AckNames()
    expect(
      describeEnginePacket({ type: 'message', data: '212["send-message",{}]' }, 'out', acks),
    ).toMatchObject({
      kind: 'send-message',
      id: '12',
    })
    expect(
      describeEnginePacket({ type: 'message', data: '312[{"ok":true}]' }, 'in', acks),
    ).toMatchObject({
      kind: 'ack',
      event: 'send-message',
      text: '4312[{"ok":true}]',
    })
  })

  it('does not print a whole session token', () => {
    const frame = describeEnginePacket(
      { type: 'message', data: '0{"token":"eyJhbGciOiJIUzI1NiJ9.secret"}' },
      'out',
      new AckNames(),
    )
    expect(frame.kind).toBe('connect')
    expect(frame.text).toBe('40{"token":"eyJhbGci…"}')
  })
})

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
