import { hostname } from 'node:os'
import { describe, expect, it } from 'vitest'
import { createInstanceId } from './instance-id.ts'

describe('createInstanceId', () => {
  it('names the host and the process, and differs between calls', () => {
    const id = createInstanceId()
    expect(id.startsWith(`${hostname()}:${process.pid}:`)).toBe(true)
    expect(id).toMatch(/:[0-9a-f]{6}$/)
    expect(createInstanceId()).not.toBe(id)
  })
})
