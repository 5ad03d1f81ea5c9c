import { describe, expect, it } from 'vitest'
import { describeMode } from './mode.ts'

describe('describeMode', () => {
  it('names the mode and what it runs on', () => {
    expect(describeMode('single', 'SQLite in /data')).toBe('single mode: SQLite in /data')
    expect(describeMode('cluster', 'PostgreSQL postgres://db/x, Redis redis://r')).toBe(
      'cluster mode: PostgreSQL postgres://db/x, Redis redis://r',
    )
    expect(describeMode('cluster')).toBe('cluster mode')
  })
})
