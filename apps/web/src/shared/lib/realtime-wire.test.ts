import { describe, expect, it } from 'vitest'
import { AckNames, describeEnginePacket } from './realtime-wire.ts'

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
      { type: 'message', data: '2["new-message",{"text":"你好"}]' },
      'in',
      new AckNames(),
    )
    expect(frame).toMatchObject({
      kind: 'new-message',
      event: 'new-message',
      text: '42["new-message",{"text":"你好"}]',
    })
    expect(frame.bytes).toBe(new TextEncoder().encode(frame.text).length)
  })

  it('labels an ack with the request it answers', () => {
    const acks = new AckNames()
    expect(
      describeEnginePacket({ type: 'message', data: '212["post-note",{}]' }, 'out', acks),
    ).toMatchObject({
      kind: 'post-note',
      id: '12',
    })
    expect(
      describeEnginePacket({ type: 'message', data: '312[{"ok":true}]' }, 'in', acks),
    ).toMatchObject({
      kind: 'ack',
      event: 'post-note',
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
