import { describe, expect, it } from 'vitest'
import { classifyConnectionError, describeConnectionError } from './connection-error'

describe('describeConnectionError', () => {
  it("says the server is not answering instead of engine.io's words", () => {
    expect(describeConnectionError('xhr poll error')).toBe('the realtime server is not answering')
    expect(describeConnectionError('websocket error')).toBe('the realtime server is not answering')
    expect(describeConnectionError('transport close')).toBe('the realtime server is not answering')
  })

  it('keeps a reason it has no better words for, and nothing stays nothing', () => {
    expect(describeConnectionError('unauthorized: token expired')).toBe(
      'unauthorized: token expired',
    )
    expect(describeConnectionError(null)).toBeNull()
  })

  it('says the device is offline when the browser has no network, whatever engine.io said', () => {
    expect(describeConnectionError('xhr poll error', false)).toBe('this device is offline')
    expect(describeConnectionError(null, false)).toBe('this device is offline')
    expect(classifyConnectionError('websocket error', false)).toEqual({ kind: 'offline' })
    expect(classifyConnectionError('websocket error', true)).toEqual({ kind: 'unreachable' })
  })
})
