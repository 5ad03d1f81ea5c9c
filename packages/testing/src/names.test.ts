import { describe, expect, it } from 'vitest'
import { freshName, freshPrefix, freshSchema } from './names.ts'

describe('fresh names', () => {
  it('differ on every call and keep to the characters their use allows', () => {
    const names = new Set(Array.from({ length: 50 }, () => freshName('receipts')))
    expect(names.size).toBe(50)
    for (const name of names) expect(name).toMatch(/^receipts-[a-z0-9]+-[0-9a-f]{4}$/)
    // A room id is at most 40 characters; a label of 10 leaves room.
    expect(freshName('cluster-do').length).toBeLessThanOrEqual(40)
    expect(freshSchema()).toMatch(/^duplex_test_[a-z0-9]+_[0-9a-f]{8}$/)
    expect(freshSchema('duplex_cluster')).toMatch(/^duplex_cluster_/)
    expect(freshPrefix()).toMatch(/^duplex-test:[a-z0-9]+_[0-9a-f]{8}:$/)
  })

  it('refuses a schema label that would need quoting', () => {
    expect(() => freshSchema('Bad-Label')).toThrow(/lower-case letters, digits and _/)
  })
})
