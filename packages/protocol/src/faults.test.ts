import { describe, expect, it } from 'vitest'
import { FaultRequestSchema } from './faults.ts'

describe('FaultRequestSchema', () => {
  it('takes a transport, a connection id and a fault', () => {
    const request = { transport: 'socketio', connectionId: 'q2GpFG9W-abc_1', fault: 'stall' }
    expect(FaultRequestSchema.parse(request)).toEqual(request)
  })

  it.each([
    [{ transport: 'sse', connectionId: 'c1', fault: 'melt' }, 'fault'],
    [{ transport: 'carrier-pigeon', connectionId: 'c1', fault: 'drop' }, 'transport'],
    [{ transport: 'sse', connectionId: '', fault: 'drop' }, 'connectionId'],
    [{ transport: 'sse', connectionId: 'a b', fault: 'drop' }, 'connectionId'],
    [{ transport: 'sse', connectionId: 'x'.repeat(65), fault: 'drop' }, 'connectionId'],
  ])('names the bad field of %j', (request, field) => {
    const result = FaultRequestSchema.safeParse(request)
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((i) => i.path[0])).toContain(field)
  })
})
